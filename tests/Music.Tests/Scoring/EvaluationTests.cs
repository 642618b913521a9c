using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.TestSupport;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Scoring;

[Collection(TinyModels.Collection)]
public sealed class EvaluationTests
{
    private static readonly Vocabulary Grid = new JsbGridTokenizer().Vocabulary;

    /// <summary>The summed NLL of input[t + 1] for t >= <paramref name="fromTarget"/>, from one forward pass over all but the last token.</summary>
    private static double DirectNll(TransformerGenerator generator, int[] input, int fromTarget)
    {
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        var logits = generator.forward(tensor(input[..^1].Select(t => (long)t).ToArray(), [1, input.Length - 1], dtype: int64));
        var logProbabilities = logits.log_softmax(-1);
        double total = 0;
        for (int t = fromTarget; t < input.Length - 1; t++) total -= logProbabilities[0, t, input[t + 1]].item<float>();
        return total;
    }

    [Fact]
    public void Nll_counts_every_token_once_with_bos_in_front_and_matches_direct_windows()
    {
        var config = TinyModels.Config(vocab: Grid.Count, context: 16);
        using var generator = TinyModels.Generator(config);
        int[] grid = TinyModels.Tokens(37, Grid.Count - 2, 6).Select(t => (int)t + 2).ToArray(); // Silent/Pitch ids only
        int[] full = [JsbGridTokenizer.BeginId, .. grid];

        var disjoint = EvaluationNll.Compute(generator, Grid, [grid], batchSize: 2);
        Assert.Equal(37, disjoint.Tokens);
        // Windows [0,17), [16,33), [32,38): each predicts its own tokens.
        double expected = DirectNll(generator, full[0..17], 0) + DirectNll(generator, full[16..33], 0) + DirectNll(generator, full[32..38], 0);
        Assert.Equal(expected, disjoint.Nats, 1e-3);

        var strided = EvaluationNll.Compute(generator, Grid, [grid], stride: 4, batchSize: 3);
        Assert.Equal(37, strided.Tokens);
        // The first window counts all 16 of its predictions; the next (start 4) only its last 4 (targets 17-20), ...
        double stridedExpected = DirectNll(generator, full[0..17], 0);
        int counted = 16;
        for (int start = 4; counted < 37; start += 4)
        {
            int end = Math.Min(start + 17, full.Length);
            stridedExpected += DirectNll(generator, full[start..end], counted - start);
            counted = end - 1;
        }
        Assert.Equal(stridedExpected, strided.Nats, 1e-3);

        // A sequence that fits in the context gives the same NLL at any stride; <bos> already there is not doubled.
        var shortOne = full[..10];
        Assert.Equal(9, EvaluationNll.Compute(generator, Grid, [shortOne], stride: 3).Tokens);
        Assert.Equal(DirectNll(generator, shortOne, 0), EvaluationNll.Compute(generator, Grid, [shortOne], stride: 3).Nats, 1e-3);
        Assert.Throws<ArgumentOutOfRangeException>(() => EvaluationNll.Compute(generator, Grid, [grid], stride: 17));
        Assert.Contains("token 1 is 131", Assert.Throws<ArgumentException>(() => EvaluationNll.Compute(generator, Grid, [[2, 131]])).Message);
    }

    [Fact]
    public void The_runner_reports_nll_auc_and_plugged_metrics_for_a_split_and_serializes()
    {
        string folder = Path.Combine(RepositoryPaths.NewTempFolder("eval"), "synth");
        DatasetImporter.WriteSynthetic(100, 2, folder, new ImportOptions { Tokenizer = TokenizerChoice.Grid });
        var dataset = TokenDataset.Open(folder);
        int validPieces = dataset.ReadSplit(DatasetSplits.Valid).Count();
        Assert.True(validPieces >= 2);

        var config = TinyModels.Config(vocab: Grid.Count, context: 64, width: 16);
        using var generator = TinyModels.Generator(config);
        using var critic = TinyModels.Critic(config);
        var scorer = new CriticScorer(critic, Grid, ScoreCalibration.Build([0.0, 0.1], "eval-model", "ckpt-3", windowBars: 1), new CriticScorerOptions { WindowBars = 1 });
        (IReadOnlyList<Piece> Real, IReadOnlyList<Piece> Generated)? seen = null;
        var runner = new EvaluationRunner(generator, scorer, (real, generated) =>
        {
            seen = (real, generated);
            return new Dictionary<string, double> { ["pitchRangeOverlap"] = 0.5 };
        });
        var result = runner.Run(dataset, new EvaluationOptions
        {
            Split = DatasetSplits.Valid,
            GeneratedPieces = validPieces + 1,
            GeneratedBars = 2,
            GenerationBatchSize = 2,
            Sampling = new SamplingOptions { Seed = 4 }
        });

        Assert.Equal(("eval-model", "ckpt-3", "valid"), (result.ModelId, result.CheckpointId, result.Split));
        Assert.Equal(dataset.ReadSplit(DatasetSplits.Valid).Sum(s => (long)s.Tokens.Length), result.NllTokens);
        // An untrained model is close to uniform over 131 tokens.
        Assert.InRange(result.NllPerToken, Math.Log(131) - 1, Math.Log(131) + 1);
        Assert.Equal(validPieces, result.RealPieces);
        Assert.Equal(validPieces + 1, result.GeneratedPieces);
        Assert.Equal((2, 0), (result.GeneratedBars, result.GeneratedIncomplete));
        Assert.InRange(result.CriticAuc, 0, 1);
        var (realPieces, generatedPieces) = seen!.Value;
        Assert.Equal(validPieces, realPieces.Count);
        // Every generated piece is a grid of 2 bars (32 16th steps), whatever the untrained model chose; only a piece
        // that happens to end in silence ends earlier.
        Assert.Equal(validPieces + 1, generatedPieces.Count);
        long twoBars = 2 * 4 * Piece.DefaultTicksPerQuarter;
        Assert.All(generatedPieces, piece => Assert.InRange(piece.EndTick, 1, twoBars));
        Assert.Contains(generatedPieces, piece => piece.EndTick == twoBars);
        Assert.Equal(0.5, result.Metrics!["pitchRangeOverlap"]);
        // The chorale figures are those of the very pieces the metrics saw.
        Assert.Equal(new ChoraleComparison(ChoraleMetrics.OfSet(realPieces), ChoraleMetrics.OfSet(generatedPieces)), result.Chorale);
        Assert.Equal(validPieces, result.Chorale.Real.Pieces);
        // The ordering covers every real piece of the split, measured as CriticOrdering does with the sampling seed.
        var valid = dataset.ReadSplit(DatasetSplits.Valid).Select(s => s.Tokens).ToArray();
        Assert.Equal(CriticOrdering.Measure(scorer.Windows, valid, seed: 4), result.Ordering);

        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var back = JsonSerializer.Deserialize<EvaluationResult>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(result.NllPerToken, back.NllPerToken);
        Assert.Contains("\"criticAuc\"", json);
        Assert.Equal(result.Chorale, back.Chorale);
        Assert.Contains("\"parallelsPer100ChordChanges\"", json);

        var events = new EventTokenizer().Vocabulary;
        using var eventCritic = TinyModels.Critic(TinyModels.Config(vocab: events.Count, context: 64, width: 16));
        var eventScorer = new CriticScorer(eventCritic, events, ScoreCalibration.Build([0.0], "m", "c"));
        Assert.Contains("vocabulary", Assert.Throws<ArgumentException>(() => new EvaluationRunner(generator, eventScorer).Run(dataset)).Message);
        Assert.Throws<ArgumentException>(() => runner.Run(dataset, new EvaluationOptions { Split = "nope" }));
    }
}
