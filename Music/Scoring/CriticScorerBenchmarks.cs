using System.Diagnostics;
using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Scoring;

/// <summary>Windows per second through <see cref="CriticScorer"/> at one batch size.</summary>
public sealed record ScoreWindowsBenchmark(int BatchSize, int WindowBars, int Windows, double MeanWindowTokens, double WindowsPerSecond);

/// <summary>
/// `scoreWindowsPerSec` for `musiccluster bench`: whole synthetic pieces in event tokens scored bar by bar through
/// <see cref="CriticScorer"/> (bar finding, window cutting, batching and calibration included, not just the critic's
/// forward pass). A benchmark, not a test: it times, it does not judge. Random weights run as fast as trained ones.
/// </summary>
public static class CriticScorerBenchmarks
{
    /// <param name="architecture">The critic's architecture; its vocabulary size is replaced by the event vocabulary's.</param>
    public static ScoreWindowsBenchmark MeasureScoreWindows(TransformerConfig architecture, int batchSize, int windowBars = 4, int pieces = 12, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        var vocabulary = new EventTokenizer().Vocabulary;
        var config = architecture with { VocabSize = vocabulary.Count };
        torch.random.manual_seed(2);
        using var critic = new TransformerCritic(config, device ?? CPU);
        var scorer = new CriticScorer(critic, vocabulary, ScoreCalibration.Build([0.0], "benchmark", "random-weights", windowBars),
            new CriticScorerOptions { WindowBars = windowBars, BatchSize = batchSize });
        var tokenizer = new EventTokenizer();
        var sequences = SyntheticCorpus.Generate(pieces, 7).Select(tokenizer.Encode).ToArray();
        int windows = sequences.Sum(s => scorer.Windows.Windows(s).Count);
        double meanTokens = sequences.SelectMany(s => scorer.Windows.Windows(s)).Average(w => w.Length);
        scorer.Score(sequences[0]); // untimed warm-up
        var clock = Stopwatch.StartNew();
        foreach (var sequence in sequences) scorer.Score(sequence);
        return new ScoreWindowsBenchmark(batchSize, windowBars, windows, meanTokens, windows / clock.Elapsed.TotalSeconds);
    }

    /// <summary>The two figures `bench` reports: windows/s at batch 1 (a live meter) and at batch 32 (bulk scoring).</summary>
    public static (ScoreWindowsBenchmark Batch1, ScoreWindowsBenchmark Batch32) ScoreWindowsPerSec(TransformerConfig architecture, Device? device = null) =>
        (MeasureScoreWindows(architecture, 1, device: device), MeasureScoreWindows(architecture, 32, device: device));
}
