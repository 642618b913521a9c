using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// A piece moved onto the event tokenizer's grid and tables, in the order the tokens list it. Tracks are the
/// distinct (track, channel) pairs that hold notes, numbered from 0 in that order; pairs beyond
/// <see cref="EventVocabulary.MaxTracks"/> share the last track.
/// </summary>
internal sealed class QuantizedPiece
{
    public readonly record struct QTrack(int Index, int Program, int Channel);
    public readonly record struct QNote(long Step, int Track, int Pitch, int DurationIndex, int VelocityIndex);
    public readonly record struct QTempo(long Step, int Bucket);
    public readonly record struct QKey(long Step, int KeyValue);
    public readonly record struct QSignature(long Step, (int Numerator, int Denominator) Signature);

    public required QTrack[] Tracks { get; init; }
    public required QNote[] Notes { get; init; }
    public required QTempo[] Tempos { get; init; }
    public required QKey[] Keys { get; init; }
    public required QSignature[] TimeSignatures { get; init; }
    /// <summary>The last step holding a note onset, tempo or key change (time signatures are not counted: a change
    /// that does not alter the signature produces no token).</summary>
    public required long LastEventStep { get; init; }

    public readonly record struct Bar(long Start, (int Numerator, int Denominator) Signature, bool SignatureChanges);

    /// <summary>
    /// The bars the tokens list: every bar up to the one holding the last event, and further bars only up to the last
    /// one where the time signature changes (a trailing change that alters nothing leaves no trace).
    /// </summary>
    public List<Bar> Bars(EventVocabulary table)
    {
        var bars = new List<Bar>();
        long lastSignatureStep = TimeSignatures.Length > 0 ? TimeSignatures[^1].Step : 0;
        int pointer = 0, lastNeeded = 0;
        var signature = (Numerator: 4, Denominator: 4);
        for (long start = 0; bars.Count == 0 || start <= Math.Max(LastEventStep, lastSignatureStep);)
        {
            while (pointer < TimeSignatures.Length && TimeSignatures[pointer].Step <= start) signature = TimeSignatures[pointer++].Signature;
            bool changes = bars.Count == 0 || bars[^1].Signature != signature;
            bars.Add(new Bar(start, signature, changes));
            if (start <= LastEventStep || changes) lastNeeded = bars.Count - 1;
            start += table.StepsPerBar(signature.Numerator, signature.Denominator);
        }
        bars.RemoveRange(lastNeeded + 1, bars.Count - lastNeeded - 1);
        return bars;
    }

    public static QuantizedPiece From(Piece piece, EventVocabulary table)
    {
        if (piece.TicksPerQuarter <= 0)
            throw new ArgumentException($"Ticks per quarter must be positive, not {piece.TicksPerQuarter}", nameof(piece));
        int stepsPerQuarter = table.Settings.StepsPerQuarter;
        long ToStep(long tick) => tick <= 0 ? 0 : (long)(((Int128)tick * stepsPerQuarter * 2 + piece.TicksPerQuarter) / (2 * piece.TicksPerQuarter));

        var trackKeys = piece.Notes.Select(n => (n.Track, Channel: Math.Clamp(n.Channel, 0, 15))).Distinct()
            .OrderBy(k => k.Track).ThenBy(k => k.Channel).ToList();
        var trackOf = new Dictionary<(int, int), int>();
        var tracks = new List<QTrack>();
        foreach (var key in trackKeys)
        {
            if (tracks.Count < EventVocabulary.MaxTracks)
            {
                int program = piece.Tracks.FirstOrDefault(t => t.Index == key.Track)?.Program ?? 0;
                tracks.Add(new QTrack(tracks.Count, Math.Clamp(program, 0, 127), key.Channel));
            }
            trackOf[key] = tracks.Count - 1;
        }

        var notes = piece.Notes.Select(n => new QNote(
                ToStep(n.Start),
                trackOf[(n.Track, Math.Clamp(n.Channel, 0, 15))],
                Math.Clamp(n.Pitch, 0, 127),
                EventQuantization.NearestDurationIndex(table.DurationSteps, Math.Max(0, n.Duration) * (double)stepsPerQuarter / piece.TicksPerQuarter),
                EventQuantization.NearestVelocityIndex(n.Velocity)))
            .OrderBy(n => n.Step).ThenBy(n => n.Track).ThenBy(n => n.Pitch).ThenBy(n => n.DurationIndex).ThenBy(n => n.VelocityIndex)
            .ToArray();
        var tempos = piece.Tempos.OrderBy(t => t.Tick)
            .Select(t => new QTempo(ToStep(t.Tick), EventQuantization.NearestTempoIndex(t.MicrosecondsPerQuarter))).ToArray();
        var keys = piece.KeySignatures.OrderBy(k => k.Tick)
            .Select(k => new QKey(ToStep(k.Tick), EventVocabulary.KeyValue(Math.Clamp(k.Sharps, -7, 7), k.Minor))).ToArray();
        var signatures = piece.TimeSignatures.OrderBy(t => t.Tick)
            .Select(t => new QSignature(ToStep(t.Tick),
                EventQuantization.IsSupportedTimeSignature(t.Numerator, t.Denominator) ? (t.Numerator, t.Denominator) : (4, 4)))
            .ToArray();

        long lastEventStep = new[]
        {
            notes.Length > 0 ? notes[^1].Step : 0,
            tempos.Length > 0 ? tempos[^1].Step : 0,
            keys.Length > 0 ? keys[^1].Step : 0,
        }.Max();
        long lastStep = Math.Max(lastEventStep, signatures.Length > 0 ? signatures[^1].Step : 0);
        if (lastStep > EventTokenizer.MaxSteps)
            throw new ArgumentException(
                $"The piece reaches grid step {lastStep}, beyond the {EventTokenizer.MaxSteps} steps the event tokenizer accepts", nameof(piece));

        return new QuantizedPiece { Tracks = tracks.ToArray(), Notes = notes, Tempos = tempos, Keys = keys, TimeSignatures = signatures, LastEventStep = lastEventStep };
    }
}
