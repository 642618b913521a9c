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
        int voice = cells.Length % ChoraleGrid.Voices;
        int stepStart = cells.Length - voice;
        VoiceRange range = ChoraleVoices.Ranges[voice];
        if (!VoiceLeading)
        {
            MarkRange(range, allowed, _ => true);
            return;
        }
        Span<int> current = stackalloc int[voice];
        for (int u = 0; u < voice; u++) current[u] = PitchOf(cells[stepStart + u]);
        Span<int> previous = stackalloc int[ChoraleGrid.Voices];
        bool hasPrevious = stepStart >= ChoraleGrid.Voices;
        for (int u = 0; u < ChoraleGrid.Voices; u++) previous[u] = hasPrevious ? PitchOf(cells[stepStart - ChoraleGrid.Voices + u]) : ChoraleGrid.Silent;

        int[] currentPitches = current.ToArray(), previousPitches = previous.ToArray();
        bool Crosses(int pitch) => currentPitches.Any(upper => upper != ChoraleGrid.Silent && pitch > upper);
        bool MakesParallel(int pitch) => Enumerable.Range(0, voice).Any(u => IsParallel(previousPitches[u], currentPitches[u], previousPitches[voice], pitch));

        if (MarkRange(range, allowed, p => !Crosses(p) && !MakesParallel(p)) > 0) return;
        if (MarkRange(range, allowed, p => !MakesParallel(p)) > 0) return;
        MarkRange(range, allowed, _ => true);
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

    private static int MarkRange(VoiceRange range, Span<bool> allowed, Func<int, bool> permitted)
    {
        int marked = 0;
        for (int pitch = range.Lowest; pitch <= range.Highest; pitch++)
        {
            if (!permitted(pitch)) continue;
            allowed[JsbGridTokenizer.FirstPitchId + pitch] = true;
            marked++;
        }
        return marked;
    }

    private static int PitchOf(int token) => token >= JsbGridTokenizer.FirstPitchId ? token - JsbGridTokenizer.FirstPitchId : ChoraleGrid.Silent;
}
