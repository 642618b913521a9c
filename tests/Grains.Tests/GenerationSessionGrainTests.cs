using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Music.Midi;

namespace MusicCluster.Grains.Tests;

public sealed class GenerationSessionGrainTests : IAsyncLifetime
{
    private TestSilo silo = null!;

    public async Task InitializeAsync() => silo = await TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["MusicCluster:Author"] = "Test Author",
        ["MusicCluster:Adviser"] = "Test Adviser",
        ["MusicCluster:Organisation"] = "Test Lab",
    });

    public async Task DisposeAsync() => await silo.DisposeAsync();

    private IGenerationSessionGrain Session(Guid id) => silo.Grains.GetGrain<IGenerationSessionGrain>(id);

    /// <summary>Polls a session until it leaves Running, with a deadline (the engine works on its own thread).</summary>
    private static async Task<GenerationSnapshot> EndOf(IGenerationSessionGrain session, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var snapshot = await session.GetAsync();
            Assert.NotNull(snapshot);
            if (snapshot.Status is not (GenerationStatus.Running or GenerationStatus.Pending)) return snapshot;
            Assert.True(DateTime.UtcNow < deadline, $"session still {snapshot.Status} after {seconds} s with {snapshot.Tokens} tokens");
            await Task.Delay(50);
        }
    }

    private sealed class RecordingObserver : IGenerationObserver
    {
        public ConcurrentQueue<GenerationUpdate> Updates { get; } = new();
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnUpdateAsync(GenerationUpdate update)
        {
            Updates.Enqueue(update);
            if (update.Status is not GenerationStatus.Running) Ended.TrySetResult();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_session_streams_notes_and_bar_scores_and_stores_the_piece_with_provenance_and_score()
    {
        var id = Guid.NewGuid();
        var session = Session(id);
        var observer = new RecordingObserver();
        var reference = silo.Grains.CreateObjectReference<IGenerationObserver>(observer);
        await session.SubscribeAsync(reference);

        var started = await session.StartAsync(new GenerationRequest(Bars: 2, Temperature: 1.0, TopK: 20, Seed: 7));
        Assert.Equal(GenerationStatus.Running, started.Status);
        Assert.Equal(("default", "default"), (started.ModelId, started.CheckpointId));
        await observer.Ended.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var end = await EndOf(session);
        Assert.Equal(GenerationStatus.Completed, end.Status);
        var updates = observer.Updates.ToArray();
        Assert.True(updates.Length > 2, "updates arrive while the piece is generated, not only at the end");
        Assert.Equal(Enumerable.Range(1, updates.Length).Select(i => (long)i), updates.Select(u => u.Sequence).OrderBy(s => s));
        Assert.Equal(end.Notes.Count, updates.Sum(u => u.Notes.Count));
        Assert.Equal([0, 1], updates.SelectMany(u => u.BarScores).Select(b => b.Bar));
        Assert.All(end.BarScores, b => Assert.InRange(b.Score, 0, 100));
        Assert.Equal(updates[^1].PieceId, end.PieceId);

        PieceDetails? piece = await silo.Grains.GetGrain<IPieceGrain>(end.PieceId!).GetAsync();
        Assert.NotNull(piece);
        Assert.Equal(end.Notes.Count, piece.NoteCount);
        Assert.Equal(7, piece.Provenance!.Seed);
        Assert.Equal(("default", "default"), (piece.Provenance.ModelId, piece.Provenance.CheckpointId));
        Assert.Equal(("Test Author", "Test Adviser", "Test Lab"), (piece.Provenance.Author, piece.Provenance.Adviser, piece.Provenance.Organisation));
        Assert.Equal("2", piece.Provenance.Parameters["bars"]);
        Assert.Equal(end.OverallScore, piece.Score!.Overall);
        Assert.Equal(end.BarScores.Select(b => b.Score), piece.Score.Bars);
        var midi = MidiFileReader.Read(await silo.Grains.GetGrain<IPieceGrain>(end.PieceId!).GetFileAsync(PieceFormat.Midi));
        Assert.Equal(end.Notes.Count, midi.Notes.Count);

        // A second start with the same key changes nothing.
        var again = await session.StartAsync(new GenerationRequest(Bars: 5));
        Assert.Equal(end.PieceId, again.PieceId);
        Assert.Equal(2, again.Request.Bars);
    }

    [Fact]
    public async Task Thirty_two_concurrent_sessions_on_one_silo_complete_correctly_in_batches()
    {
        var ids = Enumerable.Range(0, 32).Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(ids.Select((id, i) => Session(id).StartAsync(new GenerationRequest(Bars: 2, TopK: 20, Seed: 1000 + i, Candidates: 1))));
        var ends = await Task.WhenAll(ids.Select(id => EndOf(Session(id), 120)));

        foreach (var end in ends)
        {
            Assert.Equal(GenerationStatus.Completed, end.Status);
            Assert.NotEmpty(end.Notes);
            Assert.Equal(2, end.BarScores.Count);
            var stored = MidiFileReader.Read(await silo.Grains.GetGrain<IPieceGrain>(end.PieceId!).GetFileAsync(PieceFormat.Midi));
            Assert.Equal(end.Notes.Count, stored.Notes.Count);
        }
        Assert.Equal(32, ends.Select(e => e.PieceId).Distinct().Count());

        var statistics = Assert.Single(silo.Services.GetRequiredService<InferenceEngine>().Statistics());
        Assert.True(statistics.MaxBatch >= 16, $"largest batch {statistics.MaxBatch}; sizes {Describe(statistics)}");
        Assert.True(statistics.MeanBatch >= 8, $"mean batch {statistics.MeanBatch:F1}; sizes {Describe(statistics)}");
        Assert.Equal(ends.Sum(e => e.Tokens), statistics.BatchSizes.Sum(kv => (long)kv.Key * kv.Value) + statistics.PrimerPasses);
        // Sessions in one batch complete their bars at the same steps: their live bar scores share critic batches.
        Assert.True(statistics.LiveScoringBatches < statistics.LiveScoredSequences / 2,
            $"{statistics.LiveScoringBatches} live critic batches for {statistics.LiveScoredSequences} sequences' bars");
    }

    private static string Describe(InferenceStatistics statistics) => string.Join(", ", statistics.BatchSizes.Select(kv => $"{kv.Key}x{kv.Value}"));

    [Fact]
    public async Task A_cancelled_session_stops_and_stores_no_piece()
    {
        var session = Session(Guid.NewGuid());
        await session.StartAsync(new GenerationRequest(Bars: GenerationRequest.MaxBars, Seed: 3));
        await session.CancelAsync();
        var end = await EndOf(session);
        Assert.Equal(GenerationStatus.Cancelled, end.Status);
        Assert.Null(end.PieceId);
        Assert.True(end.Tokens < GenerationRequest.MaxBars * 40, $"{end.Tokens} tokens: cancelling stopped it early");
    }

    [Fact]
    public async Task A_session_cut_off_by_a_silo_restart_reads_as_failed_not_running()
    {
        var id = Guid.NewGuid();
        await Session(id).StartAsync(new GenerationRequest(Bars: GenerationRequest.MaxBars, Seed: 5));
        string data = silo.DataPath;
        await silo.DisposeAsync();
        silo = await TestSilo.StartAsync(dataPath: data);
        var after = await Session(id).GetAsync();
        Assert.Equal(GenerationStatus.Failed, after!.Status);
        Assert.NotNull(after.Error);
    }

    [Theory]
    [InlineData(0, 1.0, null, null, "bars:")]
    [InlineData(65, 1.0, null, null, "bars:")]
    [InlineData(4, -1.0, null, null, "temperature:")]
    [InlineData(4, double.NaN, null, null, "temperature:")]
    [InlineData(4, 1.0, 0, null, "topK:")]
    [InlineData(4, 1.0, null, 1.5, "topP:")]
    public async Task Bad_fields_are_refused_by_name_and_start_nothing(int bars, double temperature, int? topK, double? topP, string field)
    {
        var session = Session(Guid.NewGuid());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => session.StartAsync(new GenerationRequest(bars, temperature, topK, topP)));
        Assert.StartsWith(field, error.Message);
        Assert.Null(await session.GetAsync());
    }

    [Fact]
    public void A_request_without_a_temperature_samples_at_the_product_default()
    {
        Assert.Equal(Music.Training.PieceGeneration.DefaultTemperature, GenerationRequest.DefaultTemperature);
        Assert.Equal(GenerationRequest.DefaultTemperature, new GenerationRequest(4).Temperature);
    }

    [Fact]
    public async Task Unknown_model_or_primer_and_broken_primer_midi_are_refused_by_name()
    {
        var unknownModel = await Assert.ThrowsAsync<ArgumentException>(() => Session(Guid.NewGuid()).StartAsync(new GenerationRequest(2, Model: "nope")));
        Assert.StartsWith("model:", unknownModel.Message);
        var unknownPiece = await Assert.ThrowsAsync<ArgumentException>(() => Session(Guid.NewGuid()).StartAsync(new GenerationRequest(2, PrimerPieceId: "missing")));
        Assert.StartsWith("primerPieceId:", unknownPiece.Message);
        var broken = await Assert.ThrowsAsync<ArgumentException>(() => Session(Guid.NewGuid()).StartAsync(new GenerationRequest(2, PrimerMidi: "MThd\0\0\0\u0006"u8.ToArray())));
        Assert.StartsWith("primerMidi:", broken.Message);
        Assert.Contains("byte", broken.Message);
    }

    [Fact]
    public async Task A_registered_checkpoint_whose_blob_is_missing_is_refused_by_name_not_crashed_on()
    {
        var missing = new ModelRef("lost-run", "step-1");
        await silo.Grains.GetGrain<IModelRegistryGrain>(0).RegisterCheckpointAsync(
            new CheckpointEntry(missing, 1, DateTimeOffset.UnixEpoch, new Dictionary<string, double>(), null, true, null));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Session(Guid.NewGuid()).StartAsync(new GenerationRequest(2, Model: "lost-run")));
        Assert.StartsWith("model:", error.Message);
        Assert.Contains("lost-run/step-1", error.Message);
    }
}
