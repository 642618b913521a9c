using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Models;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Tests;

public sealed class ScoringGrainTests(DefaultSilo shared) : IClassFixture<DefaultSilo>
{
    private readonly TestSilo silo = shared.Silo;
    private static readonly Lazy<byte[][]> Pieces = new(() =>
    {
        using var checkpoint = ModelCheckpoint.LoadFile(ShippedModel.CheckpointPath!);
        return Enumerable.Range(1, 3)
            .Select(seed => MidiFileWriter.Write(PieceGeneration.Generate(checkpoint.Generator, checkpoint.Info.Vocabulary, 2,
                new SamplingOptions { Seed = seed, TopK = 20 }).Piece))
            .ToArray();
    });

    [Fact]
    public async Task The_scorer_gives_overall_and_per_bar_scores_with_the_model_and_bar_starts()
    {
        ScoreResult result = await silo.Grains.GetGrain<IScorerGrain>(0).ScoreAsync(new ScoreRequest(Pieces.Value[0]));
        Assert.Equal(("default", "default"), (result.Score.ModelId, result.Score.CheckpointId));
        Assert.InRange(result.Score.Overall, 0, 100);
        Assert.Equal(2, result.Score.Bars.Count);
        Assert.Equal([0.0, 4.0], result.BarStarts);
    }

    [Fact]
    public async Task The_scorer_refuses_broken_midi_naming_the_byte_and_an_unknown_model()
    {
        byte[] truncated = Pieces.Value[0][..30];
        var broken = await Assert.ThrowsAsync<ArgumentException>(() => silo.Grains.GetGrain<IScorerGrain>(0).ScoreAsync(new ScoreRequest(truncated)));
        Assert.StartsWith("midi:", broken.Message);
        Assert.Contains("byte", broken.Message);
        var model = await Assert.ThrowsAsync<ArgumentException>(() => silo.Grains.GetGrain<IScorerGrain>(0).ScoreAsync(new ScoreRequest(Pieces.Value[0], "nope")));
        Assert.StartsWith("model:", model.Message);
    }

    [Fact]
    public async Task A_scoring_job_over_the_whole_library_scores_every_piece_with_progress()
    {
        // Its own silo: the job scores the whole library, which must hold only these pieces.
        await using TestSilo silo = await TestSilo.StartAsync();
        string[] ids = ["job-a", "job-b", "job-c"];
        for (int i = 0; i < ids.Length; i++)
            await silo.Grains.GetGrain<IPieceGrain>(ids[i]).CreateAsync(new NewPiece($"piece {i}", Pieces.Value[i], null, null));

        var job = silo.Grains.GetGrain<IScoringJobGrain>(Guid.NewGuid());
        Assert.Null(await job.GetAsync());
        ScoringJobProgress started = await job.StartAsync(new ScoringJobRequest(null));
        Assert.Equal(3, started.Total);

        ScoringJobProgress progress = (await Poll.UntilAsync(job.GetAsync, p => p!.Status != ScoringJobStatus.Running, TimeSpan.FromSeconds(60), "the job ended"))!;
        Assert.Equal((ScoringJobStatus.Completed, 3, 0), (progress.Status, progress.Done, progress.Failed));
        foreach (string id in ids)
        {
            var piece = await silo.Grains.GetGrain<IPieceGrain>(id).GetAsync();
            Assert.Equal("default", piece!.Score!.ModelId);
            Assert.Equal(2, piece.Score.Bars.Count);
        }
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => silo.Grains.GetGrain<IScoringJobGrain>(Guid.NewGuid()).StartAsync(new ScoringJobRequest([])));
        Assert.StartsWith("pieceIds:", empty.Message);
    }
}
