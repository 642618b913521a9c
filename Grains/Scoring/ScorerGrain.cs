using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Grains.Library;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using Orleans.Concurrency;
using GrainPieceScore = MusicCluster.Grains.Interfaces.Library.PieceScore;

namespace MusicCluster.Grains.Scoring;

/// <summary>Scores MIDI files with this silo's inference engine, which batches concurrent requests into one critic pass.</summary>
[StatelessWorker]
public sealed class ScorerGrain(InferenceEngine engine, MidiLimits limits) : Grain, IScorerGrain
{
    public async Task<ScoreResult> ScoreAsync(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Midi is null || request.Midi.Length == 0) throw new ArgumentException("midi: the file is empty");
        Piece piece = limits.Read(request.Midi, "midi");
        ModelRef model;
        try
        {
            model = await GrainFactory.GetGrain<IModelRegistryGrain>(0).ResolveAsync(request.Model);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message.StartsWith("model:", StringComparison.Ordinal) ? e.Message : $"model: {e.Message}");
        }
        ModelWorker worker = await Generation.GenerationSessionGrain.LoadAsync(engine, model);
        int[] tokens;
        try
        {
            tokens = worker.Model.Tokenizer.Encode(piece);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"midi: the piece cannot be written in the model's tokens ({e.Message})");
        }
        var score = await worker.ScoreAsync(tokens, request.Background ? WorkPriority.Background : WorkPriority.Live);
        var result = new GrainPieceScore(Math.Round(score.Overall, 2), score.Bars.Select(b => Math.Round(b, 2)).ToArray(), model.ModelId, model.CheckpointId);
        return new ScoreResult(result, BarStarts(piece, score.Bars.Count));
    }

    /// <summary>Where each scored bar starts, in quarter notes, following the piece's time signatures.</summary>
    private static IReadOnlyList<double> BarStarts(Piece piece, int bars)
    {
        var starts = new double[bars];
        long tick = 0;
        for (int bar = 0; bar < bars; bar++)
        {
            starts[bar] = (double)tick / piece.TicksPerQuarter;
            tick += Math.Max(1, piece.TimeSignatureAt(tick).TicksPerBar(piece.TicksPerQuarter));
        }
        return starts;
    }
}
