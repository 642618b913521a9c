using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Evaluates a generator and its critic on a dataset split: NLL per token (nats, the whole split, see
/// <see cref="EvaluationNll"/>), then generated pieces of a number of bars (<see cref="PieceGeneration.GenerateBatch"/>, from
/// &lt;bos&gt;), the critic's AUC between real and generated, its ordering of real pieces above their bar shuffles and
/// random tokens (<see cref="CriticOrdering"/>), the chorale figures of both sets (<see cref="ChoraleMetrics"/>), and,
/// when a metrics function is given, the objective metrics of both sets.
/// </summary>
/// <param name="metrics">Objective metrics: (real pieces, generated pieces) -> named figures, e.g. the overlap
/// area of each metric's distribution; null leaves <see cref="EvaluationResult.Metrics"/> empty.</param>
public sealed class EvaluationRunner(TransformerGenerator generator, CriticScorer scorer,
    Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics = null)
{
    public EvaluationResult Run(TokenDataset dataset, EvaluationOptions? options = null, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options = (options ?? new EvaluationOptions()).EnsureValid();
        var vocabulary = scorer.Windows.Vocabulary;
        if (!dataset.Vocabulary.SameAs(vocabulary))
            throw new ArgumentException($"dataset {dataset.Folder} uses vocabulary {dataset.Vocabulary.Version} but the model uses {vocabulary.Version}", nameof(dataset));
        if (generator.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the generator has {generator.Config.VocabSize} token ids but vocabulary {vocabulary.Version} has {vocabulary.Count}");

        var all = dataset.ReadSplit(options.Split).Select(s => s.Tokens).ToList();
        if (all.Count == 0) throw new ArgumentException($"split '{options.Split}' of {dataset.Folder} has no pieces", nameof(dataset));
        progress?.Report($"NLL on {all.Count} pieces of {options.Split}");
        var nll = EvaluationNll.Compute(generator, vocabulary, all, options.NllStride, options.NllBatchSize, cancellation);

        var real = options.MaxPieces is int most ? all.Take(most).ToList() : all;
        int generatedCount = options.GeneratedPieces ?? real.Count;
        progress?.Report($"generating {generatedCount} pieces of {options.GeneratedBars} bars");
        var generationClock = System.Diagnostics.Stopwatch.StartNew();
        var generated = Generate(generatedCount, real, vocabulary, options, cancellation);
        double generationSeconds = generationClock.Elapsed.TotalSeconds;

        progress?.Report("scoring real and generated pieces");
        double[] realScores = real.Select(s => scorer.Score(s).RawOverall).ToArray();
        double[] generatedScores = generated.Select(g => scorer.Score(g.Tokens).RawOverall).ToArray();

        progress?.Report($"ordering: {all.Count} real pieces vs their bar shuffles and random tokens");
        var ordering = CriticOrdering.Measure(scorer.Windows, all, options.Sampling.Seed);

        var tokenizer = TokenizerFactory.FromVocabulary(vocabulary);
        var realPieces = real.Select(s => tokenizer.Decode(s)).ToList();
        var generatedPieces = generated.Select(g => g.Piece).ToList();
        progress?.Report("chorale figures");
        var chorale = new ChoraleComparison(ChoraleMetrics.OfSet(realPieces), ChoraleMetrics.OfSet(generatedPieces));
        IReadOnlyDictionary<string, double>? figures = null;
        if (metrics is not null)
        {
            progress?.Report("objective metrics");
            figures = metrics(realPieces, generatedPieces);
        }

        return new EvaluationResult
        {
            ModelId = scorer.ModelId,
            CheckpointId = scorer.CheckpointId,
            Split = options.Split,
            NllPerToken = nll.PerToken,
            NllTokens = nll.Tokens,
            NllMethod = $"teacher forcing, windows of {generator.Config.ContextLength} tokens every " +
                $"{options.NllStride ?? generator.Config.ContextLength}, each token predicted once, <bos> prepended where missing",
            RealPieces = real.Count,
            GeneratedPieces = generated.Count,
            CriticAuc = AucCalculator.Compute(realScores, generatedScores),
            MeanRealScore = realScores.Average(scorer.Calibration.Percentile),
            MeanGeneratedScore = generatedScores.Average(scorer.Calibration.Percentile),
            GeneratedBars = options.GeneratedBars,
            Candidates = options.Candidates,
            GenerationSeconds = Math.Round(generationSeconds, 1),
            GeneratedIncomplete = generated.Count(g => !g.Complete),
            Ordering = ordering,
            Chorale = chorale,
            Metrics = figures,
        };
    }

    /// <summary>A generated piece and the tokens the critic scores: as the split's sequences hold them, so without
    /// the &lt;bos&gt; primer when they hold none (grid data).</summary>
    private sealed record Sample(Piece Piece, int[] Tokens, bool Complete);

    /// <summary><paramref name="count"/> pieces of the options' bars, from &lt;bos&gt;, <see cref="EvaluationOptions.GenerationBatchSize"/> at a time.</summary>
    private List<Sample> Generate(int count, List<int[]> real, Vocabulary vocabulary, EvaluationOptions options, CancellationToken cancellation)
    {
        if (!vocabulary.TryGetId("<bos>", out int begin))
            throw new ArgumentException($"vocabulary {vocabulary.Version} has no <bos> token to start generation from");
        bool keepBegin = real[0].Length > 0 && real[0][0] == begin;
        var samples = new List<Sample>(count);
        for (int first = 0, group = 0; first < count; first += options.GenerationBatchSize, group++)
        {
            int batch = Math.Min(options.GenerationBatchSize, count - first);
            // Piece i of a batch draws from stream (seed, i): give each batch its own seed so batches differ.
            var sampling = options.Sampling with { Seed = unchecked(options.Sampling.Seed + group * 1_000_003L) };
            // Guided pieces are made one by one (their candidates are the batch): piece i of the group from seed + i.
            var pieces = options.Candidates == 1
                ? PieceGeneration.GenerateBatch(generator, vocabulary, options.GeneratedBars, batch, sampling, cancellation, options.Chorale)
                : Enumerable.Range(0, batch).Select(i => CriticGuidedGeneration.Generate(generator, vocabulary, scorer.Windows, options.GeneratedBars,
                    options.Candidates, sampling with { Seed = unchecked(sampling.Seed + i) }, chorale: options.Chorale, cancellation: cancellation)).ToList();
            foreach (var piece in pieces)
                samples.Add(new Sample(piece.Piece, keepBegin ? piece.Tokens : piece.Tokens[piece.PrimerTokens..], piece.Complete));
        }
        return samples;
    }
}
