using System.Threading.Channels;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// What every run that chooses bar by bar on the thread pool has (<see cref="GuidedGenerationRun"/>,
/// <see cref="RewritingRun"/>): one progress update per bar, then the outcome, cancellation or the error.
/// </summary>
public abstract class BarByBarRun : IGenerationRun
{
    private readonly Channel<GenerationProgress> progress = Channel.CreateUnbounded<GenerationProgress>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<GenerationOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChannelReader<GenerationProgress> Progress => progress.Reader;

    public Task<GenerationOutcome> Completion => completion.Task;

    protected void Report(GenerationProgress update) => progress.Writer.TryWrite(update);

    protected void Succeed(GenerationOutcome outcome)
    {
        progress.Writer.TryComplete();
        completion.TrySetResult(outcome);
    }

    protected void Fail(Exception error, CancellationToken cancellation)
    {
        progress.Writer.TryComplete(error);
        if (error is OperationCanceledException) completion.TrySetCanceled(cancellation);
        else completion.TrySetException(error);
    }

    /// <summary>The bars of a score from <paramref name="first"/> on, as live bar scores.</summary>
    protected static IReadOnlyList<Music.Scoring.BarScore> BarsAfter(MusicPieceScore score, int first) =>
        Enumerable.Range(first, Math.Max(0, score.Bars.Count - first))
            .Select(b => new Music.Scoring.BarScore(b, score.Bars[b], score.RawBars[b], score.ModelId, score.CheckpointId)).ToList();
}
