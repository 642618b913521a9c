namespace MusicCluster.Music.Tokens;

/// <summary>
/// What a sampled chorale cell may be, given the cells before it (raster order S, A, T, B per 16th step): always a
/// pitch inside the voice's range (<see cref="ChoraleVoices"/>), never silence; with <see cref="VoiceLeading"/>
/// also the two rules of four-part writing that a model trained on 229 chorales breaks most often: no parallel fifths
/// or octaves (two voices that both move in the same direction from a perfect fifth, or octave or unison, to the same
/// interval again) and no voice crossing (a lower voice above a higher one in the same step). When the voice-leading
/// rules leave no pitch, crossing is allowed first, then parallels, so a step can always be written; the range
/// always holds.
/// </summary>
public sealed record ChoraleRules
{
    public static readonly ChoraleRules Default = new();

    /// <summary>Forbid parallel fifths and octaves between any two voices, and voice crossing.</summary>
    public bool VoiceLeading { get; init; } = true;

    private const int PerfectFifth = 7, Octave = 0;

    /// <summary>Marks the pitch tokens the next cell may be, given the grid cells (tokens after the start token) so far.</summary>
    public void FillAllowed(ReadOnlySpan<int> cells, Span<bool> allowed)
    {
        VoiceRange range = ChoraleVoices.Ranges[cells.Length % ChoraleGrid.Voices];
        // Clean pitches if there are any; else pitches that at least make no parallels (crossing a voice above); else the range.
        for (int pass = VoiceLeading ? 0 : 2; pass < 3; pass++)
        {
            int marked = 0;
            for (int pitch = range.Lowest; pitch <= range.Highest; pitch++)
            {
                if (pass < 2 && !Follows(cells, pitch, checkCrossing: pass == 0)) continue;
                allowed[JsbGridTokenizer.FirstPitchId + pitch] = true;
                marked++;
            }
            if (marked > 0) return;
        }
    }

    /// <summary>
    /// Whether <paramref name="cell"/> (a MIDI pitch or Silent) as the next cell after <paramref name="cells"/> (grid
    /// tokens) crosses the voice <paramref name="upper"/> above it in its step or moves in parallel fifths or octaves
    /// with it: what the rules forbid when they can. A cell that is kept rather than sampled is checked this way
    /// against a sampled one.
    /// </summary>
    public bool Conflicts(ReadOnlySpan<int> cells, int cell, int upper) =>
        VoiceLeading && cell != ChoraleGrid.Silent && !Follows(cells, cell, checkCrossing: true, onlyUpper: upper);

    private static bool Follows(ReadOnlySpan<int> cells, int pitch, bool checkCrossing, int onlyUpper = -1)
    {
        int voice = cells.Length % ChoraleGrid.Voices;
        int stepStart = cells.Length - voice;
        bool hasPrevious = stepStart >= ChoraleGrid.Voices;
        int lowerBefore = hasPrevious ? PitchOf(cells[stepStart - ChoraleGrid.Voices + voice]) : ChoraleGrid.Silent;
        for (int upper = 0; upper < voice; upper++)
        {
            if (onlyUpper >= 0 && upper != onlyUpper) continue;
            int upperNow = PitchOf(cells[stepStart + upper]);
            if (checkCrossing && upperNow != ChoraleGrid.Silent && pitch > upperNow) return false;
            if (hasPrevious && IsParallel(PitchOf(cells[stepStart - ChoraleGrid.Voices + upper]), upperNow, lowerBefore, pitch)) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether voices moving from (upperBefore, lowerBefore) to (upperAfter, lowerAfter) make parallel fifths or
    /// octaves: both move, in the same direction, from a perfect fifth (or octave/unison, compound intervals included)
    /// to the same interval class. A silent voice never does.
    /// </summary>
    public static bool IsParallel(int upperBefore, int upperAfter, int lowerBefore, int lowerAfter)
    {
        if (upperBefore == ChoraleGrid.Silent || upperAfter == ChoraleGrid.Silent || lowerBefore == ChoraleGrid.Silent || lowerAfter == ChoraleGrid.Silent)
            return false;
        int upperMotion = Math.Sign(upperAfter - upperBefore), lowerMotion = Math.Sign(lowerAfter - lowerBefore);
        if (upperMotion == 0 || upperMotion != lowerMotion) return false;
        int before = Math.Abs(upperBefore - lowerBefore) % 12, after = Math.Abs(upperAfter - lowerAfter) % 12;
        return before == after && before is PerfectFifth or Octave;
    }

    private static int PitchOf(int token) => token >= JsbGridTokenizer.FirstPitchId ? token - JsbGridTokenizer.FirstPitchId : ChoraleGrid.Silent;
}
