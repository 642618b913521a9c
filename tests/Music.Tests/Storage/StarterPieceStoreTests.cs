using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Storage;

public class StarterPieceStoreTests
{
    private static StarterPiece Piece(int index) => new(index, StarterPieceGenerator.IdOf(index), $"Study {index}", SyntheticCorpus.Generate(1, seed: index)[0],
        new Music.Scoring.PieceScore(70, [60, 80], "m", "c"), "m", "c", 11, new Dictionary<string, string> { ["bars"] = "2" }, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Written_pieces_read_back_and_only_complete_ones_are_listed()
    {
        var blobs = new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("starter-store"));
        var store = new StarterPieceStore(blobs);
        await store.WriteAsync(Piece(0), "Ada", null, "Lab", "CC0");
        await store.WriteAsync(Piece(2), null, null, null, null);
        // A MIDI file without its record: a write that stopped half way.
        await blobs.WriteBytesAsync(StarterPieceStore.MidiBlob("starter-0001"), global::MusicCluster.Music.Midi.MidiFileWriter.Write(Piece(1).Piece));

        Assert.Equal(["starter-0000", "starter-0002"], await store.ListIdsAsync());
        var (record, midi) = (await store.ReadAsync("starter-0000"))!.Value;
        Assert.Equal(("Study 0", "Ada", "Lab", "CC0", 70.0), (record.Title, record.Author, record.Organisation, record.Licence, record.Score.Overall));
        Assert.Equal([60.0, 80.0], record.Score.Bars);
        Piece read = global::MusicCluster.Music.Midi.MidiFileReader.Read(midi);
        Assert.Equal("Study 0", read.Metadata.Title);
        Assert.Equal(Piece(0).Piece.Notes.Count, read.Notes.Count);
        Assert.Null(await store.ReadAsync("starter-0001"));
    }

    [Fact]
    public async Task A_damaged_record_is_refused_naming_the_blob()
    {
        var blobs = new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("starter-store"));
        var store = new StarterPieceStore(blobs);
        await store.WriteAsync(Piece(0), null, null, null, null);
        await blobs.WriteTextAsync(StarterPieceStore.RecordBlob("starter-0000"), "{\"id\": \"starter-0000\"");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync("starter-0000"));
        Assert.Contains("library-seed/starter-0000.json", error.Message);
        await blobs.WriteTextAsync(StarterPieceStore.RecordBlob("starter-0000"), "{\"id\": \"starter-0009\", \"title\": \"x\"}");
        Assert.Contains("starter-0000", (await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync("starter-0000"))).Message);
    }

    [Theory]
    [InlineData(new[] { 48, 64, 67, 72 }, 52, "C major")]
    [InlineData(new[] { 45, 60, 64, 69 }, 60, "A minor")]
    public void Titles_name_the_key_the_final_bass_note_and_its_third_suggest(int[] finalChord, int extraPitch, string key)
    {
        var notes = new List<Note> { new(extraPitch, 0, 480, 80, 0) };
        notes.AddRange(finalChord.Select(p => new Note(p, 480, 960, 80, 0)));
        var piece = new Piece { Notes = notes };
        Assert.Equal($"Chorale study No. 4 in {key}", StarterPieceGenerator.TitleOf(3, piece));
        Assert.Equal("Chorale study No. 1", StarterPieceGenerator.TitleOf(0, new Piece()));
        Assert.Equal("Chorale study No. 2 in D major", StarterPieceGenerator.TitleOf(1, piece with { KeySignatures = [new KeySignature(0, 2, false)] }));
    }
}
