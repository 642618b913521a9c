using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Harmony;

/// <summary>A harmonised melody: the piece (the melody's own notes on the soprano track, alto, tenor and bass
/// written under it), its grid, each bar's critic choice when guided, and whether every step was written.</summary>
public sealed record HarmonisedPiece(Piece Piece, ChoraleGrid Grid, IReadOnlyList<GuidedBar> Bars, bool Complete);

/// <summary>
/// Writes alto, tenor and bass under a soprano with a harmony model (<see cref="JsbHarmonyTokenizer"/>; a chorale model
/// works too, reading the melody only up to the step it writes), the soprano
/// fixed by <see cref="GridCellsConstraint.ForMelody"/>. With a critic and more than one candidate the harmonisation grows bar by
/// bar as <see cref="CriticGuidance"/> defines, each bar's candidates read by the critic as chorale grid tokens (the
/// chorale model's critic scores the harmonisation like any chorale).
/// </summary>
public static class Harmoniser
{
    public static HarmonisedPiece Harmonise(TransformerGenerator model, Vocabulary vocabulary, SopranoMelody melody, SamplingOptions options,
        int candidates = 1, CriticWindowScorer? critic = null, ChoraleRules? rules = null, Action<GuidedBar>? onBar = null,
        Action<int>? onToken = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(melody);
        CriticGuidance.CheckCandidates(candidates);
        var layout = TokenizerFor(model, vocabulary);
        if (critic is not null && critic.Vocabulary.Kind != JsbGridTokenizer.Kind)
            throw new ArgumentException($"the critic reads {critic.Vocabulary.Kind} tokens; a harmonisation is scored as a chorale grid", nameof(critic));

        var rewrite = GridRewrite.Harmonisation(melody, rules, layout);
        var sampled = BarByBarSampling.Run(model, rewrite, options, candidates, critic is null ? null : critic.ScoreLastBars, onBar, onToken, cancellation);
        var grid = rewrite.FinalGrid(sampled.Tokens);
        return new HarmonisedPiece(Assemble(melody, grid), grid, sampled.Bars, sampled.Complete);
    }

    /// <summary>The melody's own notes as the soprano, the grid's alto, tenor and bass under them, on the melody's ticks, tempo and key.</summary>
    public static Piece Assemble(SopranoMelody melody, ChoraleGrid grid)
    {
        var source = melody.Source;
        var written = grid.ToPiece(source.TicksPerQuarter);
        var soprano = melody.Notes.Select(n => n with { Track = 0, Channel = 0 });
        return PieceBuilder.Normalize(written with
        {
            Notes = [.. soprano, .. written.Notes.Where(n => n.Track != 0)],
            Tempos = source.Tempos,
            KeySignatures = source.KeySignatures,
            Metadata = source.Metadata,
        });
    }

    /// <summary>The model's grid serialization: the harmony model's, or a chorale model's (which reads the melody only up to the step it writes).</summary>
    private static IGridTokenizer TokenizerFor(TransformerGenerator model, Vocabulary vocabulary)
    {
        if (model.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the model has {model.Config.VocabSize} token ids but vocabulary {vocabulary.Version} has {vocabulary.Count}", nameof(vocabulary));
        return TokenizerFactory.FromVocabulary(vocabulary) as IGridTokenizer
            ?? throw new ArgumentException($"a harmonisation needs a harmony model ({JsbHarmonyTokenizer.Kind} tokens) " +
                $"or a chorale model ({JsbGridTokenizer.Kind}), not one of {vocabulary.Kind}", nameof(vocabulary));
    }
}
