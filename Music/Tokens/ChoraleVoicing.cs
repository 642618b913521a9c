using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Reads any piece as four chorale voices on the 16th-note grid, so that a MIDI file a person brings (a piano piece,
/// a string quartet, a melody) can prime a grid model. The rules, in order:
/// <list type="number">
/// <item>Drum notes are left out. Each note sounds from its start to its end, both rounded to the nearest 16th, and
/// at least at the step of its start (as <see cref="Scoring.SoundingSteps"/> reads a piece). The piece is read on the
/// 16th grid as it is, whatever its time signature: a 3/4 primer's 12-step bars are simply followed by the model's
/// 16-step (4/4) bars, and the written piece is barred in 4/4 from its start.</item>
/// <item>Part mode: when at most four tracks have notes and each sounds one pitch at a time, each track is one voice.
/// The tracks are ordered by mean pitch (over the steps they sound), high to low. Four tracks become S, A, T, B in that
/// order. Fewer tracks take the voices whose range centres (<see cref="ChoraleVoices.Ranges"/>) are nearest their mean
/// pitches, keeping their order (a higher track never gets a lower voice); equally near choices go to the higher
/// voices. So a melody alone becomes the soprano, unless it lies low enough to be nearer another voice's centre.</item>
/// <item>Chord mode, otherwise (a piano part, more than four tracks): at each step the distinct sounding pitches,
/// high to low. Four pitches are S, A, T, B. Fewer are given to voices in their order (no crossing) so that the voices
/// move least: each pitch goes to a voice whose last sounded pitch is near it (a voice that has not sounded yet counts
/// from its range centre); equally good choices go to the higher voices. The other voices are silent.</item>
/// </list>
/// Refused with an <see cref="ArgumentException"/> saying why: a piece with no pitched notes, one longer than the
/// caller's maximum of steps (what the model reads at once), and a step where more than four distinct pitches sound.
/// </summary>
public static class ChoraleVoicing
{
    public const int StepsPerQuarter = 4;

    private static readonly string[] PitchClassNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

    /// <summary>The four voices of <paramref name="piece"/>, at most <paramref name="maxSteps"/> 16th steps long.</summary>
    public static ChoraleGrid FromPiece(Piece piece, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(piece);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        if (piece.TicksPerQuarter <= 0) throw new ArgumentException($"the piece's ticks per quarter must be positive, not {piece.TicksPerQuarter}");

        var spans = piece.Notes.Where(n => !n.IsDrum && n.Duration > 0).Select(n => Span.Of(n, piece.TicksPerQuarter)).ToList();
        if (spans.Count == 0)
            throw new ArgumentException(piece.Notes.Count == 0
                ? "the piece has no notes: a primer needs at least one"
                : "the piece has only drum notes (or notes of no length): a primer needs at least one pitched note");
        long length = spans.Max(s => s.End);
        if (length > maxSteps)
            throw new ArgumentException($"the piece is {length} 16th steps long ({DescribeSteps(length)}); this model reads at most {maxSteps} ({DescribeSteps(maxSteps)}) " +
                "at once: use a shorter primer");

        int steps = (int)length;
        var byTrack = spans.GroupBy(s => s.Track).ToList();
        bool partMode = byTrack.Count <= ChoraleGrid.Voices && byTrack.All(track => IsMonophonic(track, steps));
        return partMode ? FromParts(byTrack, steps) : FromChords(piece, spans, steps);
    }

    /// <summary>Each track one voice, chosen by the tracks' mean pitches.</summary>
    private static ChoraleGrid FromParts(IReadOnlyList<IGrouping<int, Span>> tracks, int steps)
    {
        var ordered = tracks
            .Select(track => (Spans: track.ToList(), Mean: track.Sum(s => (double)s.Pitch * (s.End - s.Start)) / track.Sum(s => (double)(s.End - s.Start))))
            .OrderByDescending(t => t.Mean).ThenBy(t => t.Spans[0].Track)
            .ToList();
        int[] voices = NearestVoices(ordered.Select(t => t.Mean).ToArray(), VoiceCentres());
        var cells = Enumerable.Repeat(ChoraleGrid.Silent, steps * ChoraleGrid.Voices).ToArray();
        for (int i = 0; i < ordered.Count; i++)
            foreach (var span in ordered[i].Spans)
                for (long step = span.Start; step < span.End; step++)
                    cells[step * ChoraleGrid.Voices + voices[i]] = span.Pitch;
        return ChoraleGrid.FromRaster(cells);
    }

    /// <summary>Each step's pitches, high to low, given to the voices that move least.</summary>
    private static ChoraleGrid FromChords(Piece piece, IReadOnlyList<Span> spans, int steps)
    {
        var sounding = new SortedSet<int>?[steps];
        foreach (var span in spans)
            for (long step = span.Start; step < span.End; step++)
                (sounding[step] ??= []).Add(span.Pitch);

        var cells = Enumerable.Repeat(ChoraleGrid.Silent, steps * ChoraleGrid.Voices).ToArray();
        double[] last = VoiceCentres();
        for (int step = 0; step < steps; step++)
        {
            if (sounding[step] is not { Count: > 0 } set) continue;
            int[] pitches = set.Reverse().ToArray();
            if (pitches.Length > ChoraleGrid.Voices)
                throw new ArgumentException($"{Position(piece, step)}: {pitches.Length} notes sound at once ({string.Join(" ", pitches.Select(NameOf))}); " +
                    $"a four-part chorale has at most four");
            int[] voices = NearestVoices(pitches.Select(p => (double)p).ToArray(), last);
            for (int i = 0; i < pitches.Length; i++)
            {
                cells[step * ChoraleGrid.Voices + voices[i]] = pitches[i];
                last[voices[i]] = pitches[i];
            }
        }
        return ChoraleGrid.FromRaster(cells);
    }

    /// <summary>
    /// For values sorted high to low, the voices (ascending indices, so no crossing) whose targets are nearest in
    /// total; of equally near choices the first found, which takes the higher voices.
    /// </summary>
    private static int[] NearestVoices(double[] values, double[] targets)
    {
        int[]? best = null;
        double bestCost = double.MaxValue;
        foreach (int[] voices in Combinations(ChoraleGrid.Voices, values.Length))
        {
            double cost = 0;
            for (int i = 0; i < values.Length; i++) cost += Math.Abs(values[i] - targets[voices[i]]);
            // A tolerance, so that ties computed in floating point still go to the higher voices.
            if (cost < bestCost - 1e-9) (best, bestCost) = (voices, cost);
        }
        return best!;
    }

    /// <summary>Every choice of <paramref name="k"/> of 0..n-1 in ascending order, in lexicographic order (highest voices first).</summary>
    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var chosen = new int[k];
        IEnumerable<int[]> From(int index, int first)
        {
            if (index == k)
            {
                yield return (int[])chosen.Clone();
                yield break;
            }
            for (int value = first; value <= n - (k - index); value++)
            {
                chosen[index] = value;
                foreach (int[] combination in From(index + 1, value + 1)) yield return combination;
            }
        }
        return From(0, 0);
    }

    private static double[] VoiceCentres() => ChoraleVoices.Ranges.Select(r => (r.Lowest + r.Highest) / 2.0).ToArray();

    private static bool IsMonophonic(IEnumerable<Span> track, int steps)
    {
        var pitchAt = new int?[steps];
        foreach (var span in track)
            for (long step = span.Start; step < span.End; step++)
            {
                if (pitchAt[step] is int other && other != span.Pitch) return false;
                pitchAt[step] = span.Pitch;
            }
        return true;
    }

    /// <summary>"bar 3, beat 2" (or "bar 3, beat 2 + 1/16" between beats), by the piece's own time signatures.</summary>
    internal static string Position(Piece piece, int step)
    {
        long tick = (long)Math.Round(step * (double)piece.TicksPerQuarter / StepsPerQuarter);
        var bars = Notation.BarGrid.Compute(piece, tick + 1);
        var bar = bars[Notation.BarGrid.BarIndexAt(bars, tick)];
        long ticksPerBeat = Math.Max(1, piece.TicksPerQuarter * 4L / bar.TimeSignature.Denominator);
        long intoBar = tick - bar.StartTick;
        long beat = intoBar / ticksPerBeat + 1;
        long sixteenths = (long)Math.Round((intoBar % ticksPerBeat) * (double)StepsPerQuarter / piece.TicksPerQuarter);
        return $"bar {bar.Index + 1}, beat {beat}" + (sixteenths == 0 ? "" : $" + {sixteenths}/16");
    }

    /// <summary>A MIDI pitch as a name with its octave, middle C (60) being C4.</summary>
    internal static string NameOf(int pitch) => $"{PitchClassNames[pitch % 12]}{pitch / 12 - 1}";

    /// <summary>Steps as 4/4 bars and 16ths, the bars the model writes.</summary>
    private static string DescribeSteps(long steps)
    {
        long bars = steps / 16, rest = steps % 16;
        string barText = bars == 1 ? "1 bar" : $"{bars} bars";
        string restText = rest == 1 ? "one 16th" : $"{rest} 16ths";
        return bars == 0 ? restText : rest == 0 ? $"{barText} of 4/4" : $"{barText} of 4/4 and {restText}";
    }

    /// <summary>A note's steps [Start, End) on the grid and its pitch and track.</summary>
    private readonly record struct Span(int Pitch, int Track, long Start, long End)
    {
        public static Span Of(Note note, int ticksPerQuarter)
        {
            // A note before tick 0 (not in a MIDI file, but a piece can be built so) starts at step 0.
            long start = Math.Max(0, ToStep(note.Start, ticksPerQuarter));
            return new Span(note.Pitch, note.Track, start, Math.Max(start + 1, ToStep(note.End, ticksPerQuarter)));
        }

        private static long ToStep(long tick, int ticksPerQuarter) =>
            (long)Math.Round(tick * (double)StepsPerQuarter / ticksPerQuarter, MidpointRounding.AwayFromZero);
    }
}
