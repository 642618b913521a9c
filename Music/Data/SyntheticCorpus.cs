using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>
/// A deterministic corpus of small tonal pieces for tests, demos and smoke training: four-part chorales,
/// melodies with accompaniment, and waltzes. Piece i depends only on (seed, i), so a larger corpus extends a smaller
/// one with the same seed; styles take turns (i mod 3) unless one style is asked for.
/// </summary>
public static class SyntheticCorpus
{
    public const int TicksPerQuarter = Piece.DefaultTicksPerQuarter;

    public static IReadOnlyList<Piece> Generate(int count, long seed, SyntheticStyle? style = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Enumerable.Range(0, count).Select(i => GeneratePiece(seed, i, style ?? StyleOf(i))).ToList();
    }

    /// <summary>The style of piece <paramref name="index"/> when styles take turns.</summary>
    public static SyntheticStyle StyleOf(int index) => (SyntheticStyle)(index % 3);

    public static Piece GeneratePiece(long seed, int index, SyntheticStyle style)
    {
        var random = SplitMix64.ForItem(seed, index * 3 + (int)style);
        var harmony = new Harmony(random.Next(0, 12), random.Chance(style == SyntheticStyle.Chorale ? 0.5 : 0.3));
        var piece = style switch
        {
            SyntheticStyle.Chorale => ChoraleWriter.Write(random, harmony),
            SyntheticStyle.MelodyWithAccompaniment => MelodyWithAccompanimentWriter.Write(random, harmony),
            SyntheticStyle.Waltz => WaltzWriter.Write(random, harmony),
            _ => throw new ArgumentOutOfRangeException(nameof(style), style, null),
        };
        return PieceBuilder.Normalize(piece with
        {
            KeySignatures = [new KeySignature(0, harmony.KeySharps, harmony.Minor)],
            Metadata = new PieceMetadata { Title = $"Synthetic {Describe(style)} {index + 1} (seed {seed})", Composer = "MusicCluster synthetic corpus" },
        });
    }

    public static string Describe(SyntheticStyle style) => style switch
    {
        SyntheticStyle.Chorale => "chorale",
        SyntheticStyle.MelodyWithAccompaniment => "melody with accompaniment",
        SyntheticStyle.Waltz => "waltz",
        _ => style.ToString(),
    };
}
