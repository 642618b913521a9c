using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Evaluates a generator and its critic on a dataset split: NLL per token (nats, the whole split, see
/// <see cref="EvaluationNll"/>), then as many generated pieces as real ones (through <see cref="Sampler"/>, from
/// &lt;bos&gt;), the critic's AUC between real and generated, its ordering of real pieces above their bar shuffles and
/// random tokens (<see cref="CriticOrdering"/>), and, when a metrics function is given, the objective
/// metrics of both sets.
/// </summary>
/// <param name="metrics">Objective metrics: (real pieces, generated pieces) -> named figures, e.g. the overlap
/// area of each metric's distribution; null leaves <see cref="EvaluationResult.Metrics"/> empty.</param>
public sealed class EvaluationRunner(TransformerGenerator generator, CriticScorer scorer, Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics = null)
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
        progress?.Report($"generating {real.Count} pieces");
        var generated = Generate(real, vocabulary, options, cancellation);

        progress?.Report("scoring real and generated pieces");
        double[] realScores = real.Select(s => scorer.Score(s).RawOverall).ToArray();
        double[] generatedScores = generated.Select(s => scorer.Score(s).RawOverall).ToArray();

        progress?.Report($"ordering: {all.Count} real pieces vs their bar shuffles and random tokens");
        var ordering = CriticOrdering.Measure(scorer.Windows, all, options.Sampling.Seed);

        IReadOnlyDictionary<string, double>? figures = null;
        int undecodable = 0;
        var tokenizer = TokenizerFactory.FromVocabulary(vocabulary);
        var generatedPieces = new List<Piece>();
        foreach (var sequence in generated)
        {
            try { generatedPieces.Add(tokenizer.Decode(sequence)); }
            catch (TokenDecodeException) { undecodable++; }
        }
        if (metrics is not null)
        {
            progress?.Report("objective metrics");
            figures = metrics(real.Select(s => tokenizer.Decode(s)).ToList(), generatedPieces);
        }

        return new EvaluationResult
        {
            ModelId = scorer.ModelId,
            CheckpointId = scorer.CheckpointId,
            Split = options.Split,
            NllPerToken = nll.PerToken,
            NllTokens = nll.Tokens,
            NllMethod = $"teacher forcing, windows of {generator.Config.ContextLength} tokens every {options.NllStride ?? generator.Config.ContextLength}, each token predicted once, <bos> prepended where missing",
            RealPieces = real.Count,
            GeneratedPieces = generated.Count,
            CriticAuc = AucCalculator.Compute(realScores, generatedScores),
            MeanRealScore = realScores.Average(scorer.Calibration.Percentile),
            MeanGeneratedScore = generatedScores.Average(scorer.Calibration.Percentile),
            GeneratedUndecodable = undecodable,
            Ordering = ordering,
            Metrics = figures,
        };
    }

    /// <summary>As many sequences as <paramref name="real"/>, each started from &lt;bos&gt;, stopping at &lt;eos&gt;;
    /// the &lt;bos&gt; is dropped when the real sequences do not hold one (grid data).</summary>
    private List<int[]> Generate(List<int[]> real, Vocabulary vocabulary, EvaluationOptions options, CancellationToken cancellation)
    {
        if (!vocabulary.TryGetId("<bos>", out int begin))
            throw new ArgumentException($"vocabulary {vocabulary.Version} has no <bos> token to start generation from");
        bool keepBegin = real[0].Length > 0 && real[0][0] == begin;
        int length = options.GeneratedTokens ?? Math.Max(1, real.Select(s => s.Length).Order().ElementAt(real.Count / 2) - (keepBegin ? 1 : 0));
        var sampling = options.Sampling with
        {
            MaxNewTokens = length,
            StopTokens = vocabulary.TryGetId("<eos>", out int end) ? [end] : [],
        };
        var sequences = new List<int[]>(real.Count);
        for (int first = 0, group = 0; first < real.Count; first += options.GenerationBatchSize, group++)
        {
            int count = Math.Min(options.GenerationBatchSize, real.Count - first);
            // Sequence i of a batch draws from stream (seed, i): give each batch its own seed so batches differ.
            var batchOptions = sampling with { Seed = unchecked(sampling.Seed + group * 1_000_003L) };
            var primers = Enumerable.Repeat<IReadOnlyList<int>>([begin], count).ToArray();
            var constraints = options.Constraint is { } make ? Enumerable.Range(0, count).Select(_ => (ITokenConstraint?)make()).ToArray() : null;
            foreach (var sampled in Sampler.SampleBatch(generator, primers, batchOptions, constraints, cancellation: cancellation))
                sequences.Add(keepBegin ? sampled.Tokens.ToArray() : sampled.NewTokens.ToArray());
        }
        return sequences.Where(s => s.Length > 0).ToList();
    }
}
