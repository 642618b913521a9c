using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// The library index after a crash: it is written at most once a second, so a crash can leave it without pieces that
/// were stored; on activation it is reconciled with the stored pieces, so listing and per-id reads agree again.
/// </summary>
public sealed class LibraryIndexRecoveryTests
{
    private readonly string _data = RepositoryPaths.NewTempFolder("library-recovery");

    private Task<TestSilo> StartAsync() => TestSilo.StartAsync(new Dictionary<string, string?> { ["MusicCluster:Library:SeedCount"] = "0" }, _data);

    private static Task<PieceDetails> CreateAsync(IGrainFactory grains, string id) =>
        grains.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece($"Chorale {id}", MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 6)[0]), null, null));

    /// <summary>The library index's files (state and integrity record), to put an older index back as a crash would leave it.</summary>
    private string[] IndexFiles() =>
    [
        .. Directory.GetFiles(Path.Combine(_data, "grains", "library"), "*", SearchOption.AllDirectories),
        .. Directory.GetFiles(Path.Combine(_data, ".meta", "grains", "library"), "*", SearchOption.AllDirectories),
    ];

    [Fact]
    public async Task Pieces_the_index_lost_in_a_crash_are_listed_again_on_the_next_start()
    {
        await using (TestSilo first = await StartAsync())
        {
            await CreateAsync(first.Grains, "early-1");
            await CreateAsync(first.Grains, "early-2");
        }
        var olderIndex = IndexFiles().ToDictionary(path => path, File.ReadAllBytes);
        await using (TestSilo second = await StartAsync())
        {
            await CreateAsync(second.Grains, "late-3");
            await CreateAsync(second.Grains, "late-4");
        }
        // What a crash before the index's last write leaves: pieces stored, the index as it was before them.
        foreach (string newer in IndexFiles()) File.Delete(newer);
        foreach (var (path, bytes) in olderIndex) await File.WriteAllBytesAsync(path, bytes);

        await using TestSilo third = await StartAsync();
        LibraryPage page = await third.Grains.GetGrain<ILibraryGrain>(0).ListAsync(new LibraryQuery(Sort: LibrarySort.Created, Descending: false));
        Assert.Equal(["early-1", "early-2", "late-3", "late-4"], page.Items.Select(p => p.Id).Order().ToArray());
        PieceDetails late = (await third.Grains.GetGrain<IPieceGrain>("late-3").GetAsync())!;
        PieceSummary listed = page.Items.Single(p => p.Id == "late-3");
        Assert.Equal((late.Title, late.CreatedAt), (listed.Title, listed.CreatedAt));
        Assert.Equal(4, await third.Grains.GetGrain<ILibraryGrain>(0).CountAsync());
    }
}
