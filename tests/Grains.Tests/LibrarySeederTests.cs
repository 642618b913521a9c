using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Hosting;
using MusicCluster.Music.Data;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;
using IScoringModelSource = MusicCluster.Music.Scoring.IScoringModelSource;
using ScoringModel = MusicCluster.Music.Scoring.ScoringModel;
using ScoringModelLoadException = MusicCluster.Music.Scoring.ScoringModelLoadException;

namespace MusicCluster.Grains.Tests;

/// <summary>The starter library seeder in a real silo with the shipped model: small counts of one-bar pieces.</summary>
public sealed class LibrarySeederTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly string _data = RepositoryPaths.NewTempFolder("seeder");

    private Task<TestSilo> StartAsync(int seedCount, int batchSize = 2, Action<IServiceCollection>? services = null) => TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["MusicCluster:Library:SeedCount"] = seedCount.ToString(),
        ["MusicCluster:Library:Bars"] = "1",
        ["MusicCluster:Library:BatchSize"] = batchSize.ToString(),
        ["MusicCluster:Author"] = "Ada Lovelace",
        ["MusicCluster:Adviser"] = "J. S. Bach",
        ["MusicCluster:Organisation"] = "MusicCluster Lab",
        ["MusicCluster:Licence"] = "CC0",
    }, _data, services);

    /// <summary>Polls the seeder until the condition holds, collecting every progress seen; fails at the deadline.</summary>
    private static async Task<List<SeedingProgress>> WaitForAsync(IGrainFactory grains, Func<SeedingProgress, bool> condition, bool failureIsTheGoal = false)
    {
        var seen = new List<SeedingProgress>();
        await Poll.UntilAsync(async () =>
        {
            SeedingProgress progress = await grains.GetGrain<ILibrarySeederGrain>(0).GetProgressAsync();
            seen.Add(progress);
            if (!failureIsTheGoal) Assert.NotEqual(SeedingStatus.Failed, progress.Status);
            return progress;
        }, condition, Deadline, "seeding got there");
        return seen;
    }

    private static async Task<List<PieceDetails>> StarterPiecesAsync(IGrainFactory grains, int count)
    {
        var pieces = new List<PieceDetails>();
        for (int i = 0; i < count; i++)
            pieces.Add(await grains.GetGrain<IPieceGrain>(StarterPieceGenerator.IdOf(i)).GetAsync() ?? throw new Xunit.Sdk.XunitException($"starter piece {i} is missing"));
        return pieces;
    }

    [Fact]
    public async Task Seeding_creates_the_pieces_with_provenance_and_scores_and_reports_progress()
    {
        await using TestSilo silo = await StartAsync(seedCount: 3);
        List<SeedingProgress> seen = await WaitForAsync(silo.Grains, p => p.Status == SeedingStatus.Completed);

        SeedingProgress done = seen[^1];
        Assert.Equal((3, 3, 3), (done.Done, done.Total, done.AddedThisRun));
        Assert.NotNull(done.StartedAt);
        Assert.NotNull(done.FinishedAt);
        // Progress only ever grows, and always against the same total once seeding knows it: before, a running seeding
        // is preparing (0 of 0, which the library page says as "Preparing the starter library"), seen by a poll that
        // comes before the seeder has listed the pre-generated pieces.
        Assert.All(seen.Where(p => p.Status == SeedingStatus.Running), p => Assert.True(p.Total == 3 || (p.Done, p.Total) == (0, 0), $"running at {p.Done} of {p.Total}"));
        Assert.Equal(seen.Select(p => p.Done).Order(), seen.Select(p => p.Done));

        foreach (PieceDetails piece in await StarterPiecesAsync(silo.Grains, 3))
        {
            Assert.StartsWith("Chorale study No. ", piece.Title);
            Assert.True(piece.NoteCount > 0, $"{piece.Id} has no notes");
            PieceProvenance provenance = Assert.IsType<PieceProvenance>(piece.Provenance);
            Assert.Equal((ShippedModel.ModelId, "default"), (provenance.ModelId, provenance.CheckpointId));
            Assert.Equal(("Ada Lovelace", "J. S. Bach", "MusicCluster Lab", "CC0"), (provenance.Author, provenance.Adviser, provenance.Organisation, provenance.Licence));
            Assert.Equal("1", provenance.Parameters["bars"]);
            Assert.Equal("starter library", provenance.Parameters["source"]);
            PieceScore score = Assert.IsType<PieceScore>(piece.Score);
            Assert.Equal(ShippedModel.ModelId, score.ModelId);
            Assert.InRange(score.Overall, 0, 100);
            Assert.NotEmpty(score.Bars);
        }
        LibraryPage page = await silo.Grains.GetGrain<ILibraryGrain>(0).ListAsync(new LibraryQuery(LibrarySort.Score));
        Assert.Equal(3, page.Total);
        Assert.All(page.Items, item => Assert.NotNull(item.Score));
    }

    [Fact]
    public async Task Seeding_interrupted_by_a_restart_continues_without_duplicating_or_remaking_pieces()
    {
        await using (TestSilo first = await StartAsync(seedCount: 4, batchSize: 1))
            await WaitForAsync(first.Grains, p => p.Done >= 1);
        // What the first run stored, read from the data folder once its silo has stopped.
        var blobs = new LocalFolderBlobStore(_data);
        var before = new Dictionary<string, string>();
        await foreach (BlobInfo blob in blobs.ListAsync("pieces/")) before[blob.Name] = blob.Sha256;
        Assert.InRange(before.Count, 1, 4);

        await using TestSilo second = await StartAsync(seedCount: 4, batchSize: 1);
        SeedingProgress done = (await WaitForAsync(second.Grains, p => p.Status == SeedingStatus.Completed))[^1];
        Assert.Equal((4, 4), (done.Done, done.Total));
        Assert.Equal(4 - before.Count, done.AddedThisRun);

        LibraryPage page = await second.Grains.GetGrain<ILibraryGrain>(0).ListAsync(new LibraryQuery());
        Assert.Equal(4, page.Total);
        Assert.Equal(Enumerable.Range(0, 4).Select(StarterPieceGenerator.IdOf), page.Items.Select(p => p.Id).Order());
        // Pieces of the first run are kept as they were, not generated again.
        foreach (var (name, sha256) in before) Assert.Equal(sha256, (await blobs.GetInfoAsync(name))!.Sha256);
    }

    [Fact]
    public async Task Pieces_written_by_the_cli_are_added_as_they_are_with_the_sites_authorship_filling_gaps()
    {
        var store = new StarterPieceStore(new LocalFolderBlobStore(_data));
        var piece = new StarterPiece(0, StarterPieceGenerator.IdOf(0), "Pre-generated chorale", SyntheticCorpus.Generate(1, seed: 5)[0],
            new Music.Scoring.PieceScore(61, [55, 67], "offline-model", "step-9"), "offline-model", "step-9", 42,
            new Dictionary<string, string> { ["bars"] = "2" }, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await store.WriteAsync(piece, author: "Offline Author", adviser: null, organisation: null, licence: null);

        await using TestSilo silo = await StartAsync(seedCount: 1);
        SeedingProgress done = (await WaitForAsync(silo.Grains, p => p.Status == SeedingStatus.Completed))[^1];
        Assert.Equal((1, 1, 1), (done.Done, done.Total, done.AddedThisRun));

        PieceDetails stored = (await StarterPiecesAsync(silo.Grains, 1))[0];
        Assert.Equal("Pre-generated chorale", stored.Title);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), stored.CreatedAt);
        Assert.Equal(("offline-model", "step-9", 42L), (stored.Provenance!.ModelId, stored.Provenance.CheckpointId, stored.Provenance.Seed));
        Assert.Equal(("Offline Author", "J. S. Bach", "CC0"), (stored.Provenance.Author, stored.Provenance.Adviser, stored.Provenance.Licence));
        Assert.Equal((61.0, "offline-model"), (stored.Score!.Overall, stored.Score.ModelId));
    }

    private sealed class MissingModels : IScoringModelSource
    {
        public ScoringModel Load(string? model) => throw new ScoringModelLoadException("no model ships with this test build");
    }

    [Fact]
    public async Task A_model_that_cannot_load_fails_seeding_with_the_reason_and_a_new_start_tries_again()
    {
        await using TestSilo silo = await StartAsync(seedCount: 2, services: s => s.AddSingleton<IScoringModelSource, MissingModels>());
        List<SeedingProgress> seen = await WaitForAsync(silo.Grains, p => p.Status == SeedingStatus.Failed, failureIsTheGoal: true);
        Assert.Equal((0, 2), (seen[^1].Done, seen[^1].Total));
        Assert.Contains("no model ships with this test build", seen[^1].Error);
        Assert.Equal(0, await silo.Grains.GetGrain<ILibraryGrain>(0).CountAsync());

        SeedingProgress retried = await silo.Grains.GetGrain<ILibrarySeederGrain>(0).StartAsync();
        Assert.Equal(SeedingStatus.Running, retried.Status);
        Assert.Null(retried.Error);
        await WaitForAsync(silo.Grains, p => p.Status == SeedingStatus.Failed, failureIsTheGoal: true);
    }

    [Fact]
    public async Task A_seeding_watch_renewed_across_expiry_periods_hears_every_piece_added_once_in_order_and_ends_with_seeding()
    {
        var clock = new FakeTimeProvider();
        var live = new LiveUpdateSettings(TimeSpan.FromSeconds(30)) { Clock = clock };
        await using TestSilo silo = await StartAsync(seedCount: 3, batchSize: 1, services: s => s.AddSingleton(live));
        var received = new ValueRecorder<SeedingProgress>();
        await using SeedingWatch watch = await received.OpenAsync(send => new SeedingWatch(silo.Grains, send, clock), live.Renewal);
        // The catch-up read: how seeding stands, handed on before the watch opened.
        Assert.NotEmpty(received.Values);

        // Renew every 10 s of the observers' clock while seeding goes on: each renewal keeps the observer past its 30 s expiry.
        await Poll.UntilAsync(async () =>
        {
            await clock.RenewAsync(watch, live.Renewal, Deadline);
            return watch.Completion.IsCompleted;
        }, done => done, Deadline, "the watch heard seeding end");

        SeedingProgress[] changes = received.EveryChangeInOrder();
        Assert.Equal(changes.Select(c => c.Done).Order(), changes.Select(c => c.Done));
        Assert.Equal((SeedingStatus.Completed, 3, 3), (changes[^1].Status, changes[^1].Done, changes[^1].Total));
        Assert.Equal(await silo.Grains.GetGrain<ILibrarySeederGrain>(0).GetProgressAsync(), changes[^1]);
        // Every piece added while the watch was open was a change of its own.
        int first = changes[0].AddedThisRun;
        Assert.Equal(Enumerable.Range(first, 3 - first + 1), changes.Select(c => c.AddedThisRun).Distinct());
    }

    [Fact]
    public async Task Seed_count_zero_turns_seeding_off()
    {
        await using TestSilo silo = await StartAsync(seedCount: 0);
        SeedingProgress progress = await silo.Grains.GetGrain<ILibrarySeederGrain>(0).StartAsync();
        Assert.Equal(SeedingStatus.Disabled, progress.Status);
        Assert.Equal(0, await silo.Grains.GetGrain<ILibraryGrain>(0).CountAsync());
    }

    [Fact]
    public async Task A_library_that_already_has_enough_pieces_is_not_seeded()
    {
        await using (TestSilo first = await StartAsync(seedCount: 0))
            for (int i = 0; i < 2; i++)
                await first.Grains.GetGrain<IPieceGrain>($"mine-{i}").CreateAsync(new NewPiece($"Mine {i}",
                    Music.Midi.MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: i)[0]), null, null));

        await using TestSilo second = await StartAsync(seedCount: 2);
        SeedingProgress done = (await WaitForAsync(second.Grains, p => p.Status == SeedingStatus.Completed))[^1];
        Assert.Equal((0, 0, 0), (done.Done, done.Total, done.AddedThisRun));
        Assert.Null(await second.Grains.GetGrain<IPieceGrain>(StarterPieceGenerator.IdOf(0)).GetAsync());
        Assert.Equal(2, await second.Grains.GetGrain<ILibraryGrain>(0).CountAsync());
    }
}
