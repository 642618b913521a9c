namespace MusicCluster.Music.Scoring;

/// <summary>
/// The figures a musician judges four-part chorales by, over a set of pieces (see <see cref="ChoraleMetrics"/> and
/// docs/scoring.md for the definitions). Rates and shares are pooled: the counts of all pieces are added first, so a
/// long piece weighs more than a short one; only <see cref="ScaleConsistency"/>, a property of a whole piece, is a
/// mean over pieces. A figure with nothing to count (no chord change, no piece of four voices) is null.
/// </summary>
public sealed record ChoraleFigures
{
    public int Pieces { get; init; }

    /// <summary>Steps whose sounding pitches differ from the previous step's, both steps with at least 2 voices.</summary>
    public int ChordChanges { get; init; }

    /// <summary>Pairs of voices moving in parallel fifths, octaves or unisons at a chord change.</summary>
    public int Parallels { get; init; }

    /// <summary>Steps with at least 3 distinct pitch classes.</summary>
    public int HarmonicSteps { get; init; }

    /// <summary>Harmonic steps whose pitch classes form a triad or seventh chord (<see cref="ChordTypes"/>).</summary>
    public int ChordSteps { get; init; }

    /// <summary>Mean over the pieces with notes of the best share of notes in one major or minor scale.</summary>
    public double? ScaleConsistency { get; init; }

    /// <summary>Notes of the pieces whose notes all lie on tracks 0-3 (read as soprano, alto, tenor, bass).</summary>
    public int VoicedNotes { get; init; }

    /// <summary>Voiced notes inside their voice's range (<see cref="Tokens.ChoraleVoices"/>).</summary>
    public int NotesInRange { get; init; }

    /// <summary>Tracks with at least one note.</summary>
    public int Voices { get; init; }

    /// <summary>Tracks in which no two notes overlap in time.</summary>
    public int MonophonicVoices { get; init; }

    public double? ParallelsPer100ChordChanges => ChordChanges == 0 ? null : 100.0 * Parallels / ChordChanges;

    public double? ChordShare => HarmonicSteps == 0 ? null : ChordSteps / (double)HarmonicSteps;

    public double? NotesInRangeShare => VoicedNotes == 0 ? null : NotesInRange / (double)VoicedNotes;

    public double? MonophonicVoiceShare => Voices == 0 ? null : MonophonicVoices / (double)Voices;
}

/// <summary>The chorale figures of the real pieces of a split and of the generated pieces, side by side.</summary>
public sealed record ChoraleComparison(ChoraleFigures Real, ChoraleFigures Generated);
