using MusicCluster.Music.Audio;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>One note of the piano roll, in seconds (for playback sync) and in quarter-note beats (for drawing on a grid).</summary>
public sealed record PianoRollNote(int Pitch, double StartSeconds, double EndSeconds, double StartBeat, double EndBeat, int Velocity, int Track);

/// <summary>A bar line: bar number (from 1), where it starts, and its time signature as "3/4".</summary>
public sealed record PianoRollBar(int Number, double StartSeconds, double StartBeat, string TimeSignature);

public sealed record PianoRollTrack(int Index, string Name, int Program, int Channel, bool IsDrums);

/// <summary>
/// What the web page needs to draw a piano roll and follow playback: notes in time order, bar lines, tracks and the
/// pitch range. Plain records of numbers and strings, so System.Text.Json serializes them as they are.
/// </summary>
public sealed record PianoRoll(
    int LowestPitch, int HighestPitch, double DurationSeconds, double DurationBeats,
    IReadOnlyList<PianoRollNote> Notes, IReadOnlyList<PianoRollBar> Bars, IReadOnlyList<PianoRollTrack> Tracks)
{
    public static PianoRoll From(Piece piece)
    {
        var tempo = new TempoMap(piece);
        double Beats(long tick) => tick / (double)piece.TicksPerQuarter;
        var notes = piece.Notes.OrderBy(n => n.Start).ThenBy(n => n.Pitch)
            .Select(n => new PianoRollNote(n.Pitch, tempo.ToSeconds(n.Start), tempo.ToSeconds(n.End), Beats(n.Start), Beats(n.End), n.Velocity, n.Track))
            .ToList();
        long end = piece.EndTick;
        var bars = BarGrid.Compute(piece, end).Where(b => b.StartTick < Math.Max(1, end))
            .Select(b => new PianoRollBar(b.Index + 1, tempo.ToSeconds(b.StartTick), Beats(b.StartTick), $"{b.TimeSignature.Numerator}/{b.TimeSignature.Denominator}"))
            .ToList();
        var trackIndexes = piece.Tracks.Select(t => t.Index).Union(piece.Notes.Select(n => n.Track)).Distinct().Order();
        var tracks = trackIndexes.Select(index =>
        {
            TrackInfo? info = piece.Tracks.FirstOrDefault(t => t.Index == index);
            int channel = info?.Channel ?? piece.Notes.FirstOrDefault(n => n.Track == index)?.Channel ?? 0;
            return new PianoRollTrack(index, info?.Name is { Length: > 0 } name ? name : $"Track {index + 1}", info?.Program ?? 0, channel, channel == 9);
        }).ToList();
        return new PianoRoll(
            notes.Count == 0 ? 60 : notes.Min(n => n.Pitch), notes.Count == 0 ? 72 : notes.Max(n => n.Pitch),
            tempo.ToSeconds(end), Beats(end), notes, bars, tracks);
    }
}
