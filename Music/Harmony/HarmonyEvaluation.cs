using System.Diagnostics;
using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Harmony;

/// <summary>NLL per token (nats) of alto, tenor and bass of a split given its soprano, under one model.</summary>
public sealed record LowerVoicesNll(string Model, string Method, double PerToken, long Tokens);

/// <summary>
/// What `musiccluster eval-harmony` reports: the harmony model against Bach on the soprano lines of a split's
/// chorales. <see cref="Chorale"/> compares Bach's own harmonisations (Real) with ours (Generated);
/// <see cref="MeanBachScore"/> and <see cref="MeanHarmonisedScore"/> are the critic's mean calibrated scores
/// (percentiles of real music, 0-100) of the same melodies as Bach and as the model harmonised them.
/// </summary>
public sealed record HarmonyEvaluationResult
{
    public required string Split { get; init; }
    public required int Melodies { get; init; }

    /// <summary>Melodies not harmonised, each with the reason (out of the soprano's range, two notes at once...).</summary>
    public required IReadOnlyList<string> Refused { get; init; }

    /// <summary>Harmonisations whose soprano track is the melody, note for note.</summary>
    public required int SopranoUnchanged { get; init; }

    /// <summary>Harmonisations whose lower voices were written to the melody's end.</summary>
    public required int Complete { get; init; }

    public required LowerVoicesNll HarmonyNll { get; init; }

    /// <summary>The chorale model's NLL of the same tokens: it reads the soprano only up to the step it writes.</summary>
    public required LowerVoicesNll ChoraleNll { get; init; }
    public required ChoraleComparison Chorale { get; init; }
    public required double MeanBachScore { get; init; }
    public required double MeanHarmonisedScore { get; init; }

    /// <summary>Probability that the critic scores Bach's harmonisation of a melody above one of ours (0.5: no difference).</summary>
    public required double CriticAuc { get; init; }
    public required int Candidates { get; init; }
    public required long Seed { get; init; }
    public required double Temperature { get; init; }
    public required double GenerationSeconds { get; init; }
}

/// <summary>
/// Harmonises the soprano of every chorale of a grid dataset's split and compares the result with Bach's: the
/// soprano kept, the chorale figures, the critic's scores, and the NLL of alto, tenor and bass given the soprano under
/// the harmony model and under the unconditioned chorale model.
/// </summary>
public sealed class HarmonyEvaluation(TransformerGenerator harmonyModel, Vocabulary harmonyVocabulary, TransformerGenerator choraleModel, CriticScorer scorer)
{
    public HarmonyEvaluationResult Run(TokenDataset dataset, string split, SamplingOptions options, int candidates, int? maxMelodies = null,
        IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Vocabulary.Kind != JsbGridTokenizer.Kind)
            throw new ArgumentException($"dataset {dataset.Folder} holds {dataset.Vocabulary.Kind} tokens; the evaluation reads chorale grids (dataset import --tokenizer grid)",
                nameof(dataset));
        if (!scorer.Windows.Vocabulary.SameAs(dataset.Vocabulary))
            throw new ArgumentException($"the critic reads vocabulary {scorer.Windows.Vocabulary.Version}, the dataset holds {dataset.Vocabulary.Version}", nameof(scorer));
        var gridTokenizer = new JsbGridTokenizer();
        var harmonyTokenizer = TokenizerFactory.FromVocabulary(harmonyVocabulary) as IGridTokenizer
            ?? throw new ArgumentException($"the harmonising model reads {harmonyVocabulary.Kind} tokens, not a chorale grid", nameof(harmonyVocabulary));
        var grids = dataset.ReadSplit(split).Select(s => gridTokenizer.DecodeGrid(s.Tokens)).ToList();
        if (grids.Count == 0) throw new ArgumentException($"split '{split}' of {dataset.Folder} has no pieces", nameof(split));
        if (maxMelodies is int most) grids = grids.Take(most).ToList();

        progress?.Report($"NLL of alto, tenor and bass given the soprano on {grids.Count} chorales");
        // Windows overlap by half, so every counted token sees at least half a context of history, as in sampling
        // (which slides by half): a harmony window that began after a step's soprano would not show the model that
        // soprano, a handicap no harmonisation has.
        int stride = Math.Max(1, Math.Min(harmonyModel.Config.ContextLength, choraleModel.Config.ContextLength) / 2);
        var harmonyNll = EvaluationNll.Compute(harmonyModel, harmonyVocabulary, grids.Select(g => (IReadOnlyList<int>)harmonyTokenizer.EncodeGrid(g)).ToList(),
            stride, cancellation: cancellation, counts: index => index > 0 && harmonyTokenizer.CellAt(index - 1).Voice != 0);
        var choraleNll = EvaluationNll.Compute(choraleModel, dataset.Vocabulary, grids.Select(g => (IReadOnlyList<int>)gridTokenizer.EncodeGrid(g)).ToList(),
            stride, cancellation: cancellation, counts: index => index > 0 && (index - 1) % ChoraleGrid.Voices != 0);
        string method = $"teacher forcing, windows of the context length every {stride} tokens (each token predicted once, " +
            $"after at least {stride} tokens of history where the piece has them), alto, tenor and bass tokens only";

        var refused = new List<string>();
        var bach = new List<Pieces.Piece>();
        var ours = new List<Pieces.Piece>();
        var bachRaw = new List<double>();
        var ourRaw = new List<double>();
        int unchanged = 0, complete = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < grids.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report($"harmonising melody {i + 1} of {grids.Count}");
            var original = grids[i].ToPiece();
            SopranoMelody melody;
            try
            {
                melody = SopranoMelody.TopVoiceOf(original);
            }
            catch (MelodyException e)
            {
                refused.Add($"{split}[{i}]: {e.Message}");
                continue;
            }
            var harmonised = Harmoniser.Harmonise(harmonyModel, harmonyVocabulary, melody, options with { Seed = options.Seed + i }, candidates,
                candidates > 1 ? scorer.Windows : null, cancellation: cancellation);
            if (harmonised.Piece.Notes.Where(n => n.Track == 0).Select(n => (n.Pitch, n.Start, n.Duration))
                .SequenceEqual(original.Notes.Where(n => n.Track == 0).Select(n => (n.Pitch, n.Start, n.Duration))))
                unchanged++;
            if (harmonised.Complete) complete++;
            bach.Add(original);
            ours.Add(harmonised.Piece);
            bachRaw.Add(scorer.Score(GridRewrite.ChoraleTokens(grids[i])).RawOverall);
            ourRaw.Add(scorer.Score(GridRewrite.ChoraleTokens(harmonised.Grid)).RawOverall);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double[] bachScores = bachRaw.ToArray(), ourScores = ourRaw.ToArray();
        return new HarmonyEvaluationResult
        {
            Split = split,
            Melodies = grids.Count,
            Refused = refused,
            SopranoUnchanged = unchanged,
            Complete = complete,
            HarmonyNll = new LowerVoicesNll("harmony", method, harmonyNll.PerToken, harmonyNll.Tokens),
            ChoraleNll = new LowerVoicesNll("chorale", method, choraleNll.PerToken, choraleNll.Tokens),
            Chorale = new ChoraleComparison(ChoraleMetrics.OfSet(bach), ChoraleMetrics.OfSet(ours)),
            MeanBachScore = bachScores.Length == 0 ? double.NaN : bachScores.Average(scorer.Calibration.Percentile),
            MeanHarmonisedScore = ourScores.Length == 0 ? double.NaN : ourScores.Average(scorer.Calibration.Percentile),
            CriticAuc = bachScores.Length == 0 ? double.NaN : AucCalculator.Compute(bachScores, ourScores),
            Candidates = candidates,
            Seed = options.Seed,
            Temperature = options.Temperature,
            GenerationSeconds = Math.Round(seconds, 1),
        };
    }
}
