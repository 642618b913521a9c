using MusicCluster.Grains.Inference;
using MusicCluster.Music.Models;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// A generation job reports its first token at once and holds the next ones until the report interval has passed
/// or the worker asks (a bar about to be scored, the sequence stopping): a session wakes per report, not per token.
/// </summary>
public sealed class GenerationJobReportTests
{
    [Fact]
    public void The_first_token_goes_at_once_and_the_next_ones_together_when_the_worker_reports_them()
    {
        var sequence = new SamplingSequence([1], new SamplingOptions { Seed = 1 }, vocabSize: 8);
        // An interval no test run reaches: only the worker's explicit report sends the held tokens.
        var job = new GenerationJob(sequence, live: null, CancellationToken.None, tokenReportInterval: TimeSpan.FromDays(1));

        job.ReportToken(5);
        Assert.True(job.Progress.TryRead(out var first));
        Assert.Equal([5], first!.Tokens);

        job.ReportToken(6);
        job.ReportToken(7);
        Assert.False(job.Progress.TryRead(out _));

        job.ReportHeldTokens();
        Assert.True(job.Progress.TryRead(out var held));
        Assert.Equal([6, 7], held!.Tokens);
        job.ReportHeldTokens(); // nothing held: nothing sent
        Assert.False(job.Progress.TryRead(out _));
    }

    [Fact]
    public void Held_tokens_go_with_the_next_token_once_the_interval_has_passed()
    {
        var sequence = new SamplingSequence([1], new SamplingOptions { Seed = 1 }, vocabSize: 8);
        var job = new GenerationJob(sequence, live: null, CancellationToken.None, tokenReportInterval: TimeSpan.Zero);

        job.ReportToken(5);
        job.ReportToken(6);
        Assert.True(job.Progress.TryRead(out var a));
        Assert.True(job.Progress.TryRead(out var b));
        Assert.Equal([5], a!.Tokens);
        Assert.Equal([6], b!.Tokens);
    }
}
