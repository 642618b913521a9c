using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>
/// Writes a piece as partwise MusicXML 4.0: one part per track (named after the track, with its clef), bars from the
/// time signatures, notes split at bar lines and into writable values with ties, rests in the gaps, chords, several
/// voices per part (with backup) kept apart by stems and rest positions where they share a bar, a grand staff for a
/// track with a wide range, key and time signatures, and tempo as a metronome mark with &lt;sound tempo&gt;. Durations
/// are exact on a 64th grid.
/// </summary>
public static class MusicXmlWriter
{
    public const string DocTypePublicId = "-//Recordare//DTD MusicXML 4.0 Partwise//EN";
    public const string DocTypeSystemId = "http://www.musicxml.org/dtds/partwise.dtd";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The piece as a MusicXML document. <paramref name="cancellation"/> is checked bar by bar, so a render given up
    /// on stops within one bar's work (OperationCanceledException).</summary>
    public static XDocument ToDocument(Piece piece, CancellationToken cancellation = default)
    {
        NotationScore score = NotationScore.From(piece);
        cancellation.ThrowIfCancellationRequested();
        var parts = score.Parts.Count > 0
            ? score.Parts
            : [new NotatedPart(0, string.IsNullOrEmpty(score.Title) ? "Music" : score.Title, 0, 0, [], [Clef.Treble])];

        var root = new XElement("score-partwise", new XAttribute("version", "4.0"));
        if (!string.IsNullOrWhiteSpace(score.Title)) root.Add(new XElement("work", new XElement("work-title", score.Title)));
        var identification = new XElement("identification");
        if (!string.IsNullOrWhiteSpace(score.Composer)) identification.Add(new XElement("creator", new XAttribute("type", "composer"), score.Composer));
        identification.Add(new XElement("encoding", new XElement("software", "MusicCluster")));
        root.Add(identification);

        var partList = new XElement("part-list");
        for (int p = 0; p < parts.Count; p++) partList.Add(ScorePart(parts[p], PartId(p)));
        root.Add(partList);
        for (int p = 0; p < parts.Count; p++) root.Add(Part(score, parts[p], PartId(p), withTempo: p == 0, cancellation));

        return new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XDocumentType("score-partwise", DocTypePublicId, DocTypeSystemId, null), root);
    }

    public static void Write(Piece piece, Stream stream, CancellationToken cancellation = default)
    {
        XDocument document = ToDocument(piece, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var writer = XmlWriter.Create(stream, settings);
        document.Save(writer);
    }

    public static byte[] ToBytes(Piece piece, CancellationToken cancellation = default)
    {
        using var stream = new MemoryStream();
        Write(piece, stream, cancellation);
        return stream.ToArray();
    }

    /// <summary>
    /// Which accidentals a bar has shown so far, per letter and octave, starting from the key signature. Renderers
    /// such as Verovio draw only the &lt;accidental&gt; elements they are given, so the writer decides them as engraving
    /// rules do: an accidental holds until the bar line, for its letter in its octave.
    /// </summary>
    private sealed class Accidentals(KeySignature key)
    {
        private readonly Dictionary<(char Step, int Octave), int> _current = [];

        public string? Show(SpelledPitch pitch)
        {
            int current = _current.TryGetValue((pitch.Step, pitch.Octave), out int alter) ? alter : PitchSpeller.SignatureAlter(pitch.Step, key.Sharps);
            if (current == pitch.Alter) return null;
            _current[(pitch.Step, pitch.Octave)] = pitch.Alter;
            return pitch.Alter switch { 1 => "sharp", -1 => "flat", 2 => "double-sharp", -2 => "flat-flat", _ => "natural" };
        }
    }

    private static string PartId(int index) => $"P{index + 1}";

    private static XElement ScorePart(NotatedPart part, string id) => new("score-part", new XAttribute("id", id),
        new XElement("part-name", part.Name),
        new XElement("score-instrument", new XAttribute("id", $"{id}-I1"), new XElement("instrument-name", part.Name)),
        new XElement("midi-instrument", new XAttribute("id", $"{id}-I1"),
            new XElement("midi-channel", Math.Clamp(part.Channel, 0, 15) + 1),
            new XElement("midi-program", Math.Clamp(part.Program, 0, 127) + 1)));

    private static XElement Part(NotationScore score, NotatedPart part, string id, bool withTempo, CancellationToken cancellation)
    {
        var element = new XElement("part", new XAttribute("id", id));
        var voiceMeasures = part.Voices.Select(v => MeasureSplitter.Split(v, score.Bars)).ToList();
        KeySignature? previousKey = null;
        TimeSignature? previousTime = null;

        foreach (NotatedBar bar in score.Bars)
        {
            cancellation.ThrowIfCancellationRequested();
            var measure = new XElement("measure", new XAttribute("number", bar.Index + 1));
            KeySignature key = score.KeyAt(bar.Start);
            var attributes = new XElement("attributes");
            if (bar.Index == 0) attributes.Add(new XElement("divisions", NotationScore.UnitsPerQuarter));
            if (previousKey is null || previousKey.Sharps != key.Sharps || previousKey.Minor != key.Minor)
                attributes.Add(new XElement("key", new XElement("fifths", Math.Clamp(key.Sharps, -7, 7)), new XElement("mode", key.Minor ? "minor" : "major")));
            TimeSignature time = WrittenTime(bar);
            if (previousTime is null || previousTime.Numerator != time.Numerator || previousTime.Denominator != time.Denominator)
                attributes.Add(new XElement("time", new XElement("beats", time.Numerator), new XElement("beat-type", time.Denominator)));
            if (bar.Index == 0 && part.Staves > 1) attributes.Add(new XElement("staves", part.Staves));
            if (bar.Index == 0)
                for (int s = 0; s < part.Staves; s++) attributes.Add(ClefElement(part.Clefs[s], part.Staves > 1 ? s + 1 : null));
            if (attributes.HasElements) measure.Add(attributes);
            previousKey = key;
            previousTime = time;

            if (withTempo)
                foreach (var (start, bpm) in score.Tempos.Where(t => t.Start >= bar.Start && t.Start < bar.End))
                    measure.Add(TempoDirection(bpm, start - bar.Start));

            bool firstWritten = true;
            for (int staff = 1; staff <= part.Staves; staff++)
                foreach (var (voice, items) in WrittenVoices(part, voiceMeasures, bar, staff))
                {
                    if (!firstWritten) measure.Add(new XElement("backup", new XElement("duration", bar.Length)));
                    firstWritten = false;
                    var shown = new Accidentals(key);
                    foreach (MeasureItem item in items) AddItem(measure, item, voice, bar, key, shown);
                }
            element.Add(measure);
        }
        return element;
    }

    /// <summary>
    /// The voices of one staff written in one bar and how: those that play there, kept apart when there are several; in
    /// a bar where none plays, one bar of rest (in the staff's first voice, or in a voice of its own on a staff that
    /// has no notes at all).
    /// </summary>
    private static IEnumerable<(VoicePlacement Voice, IReadOnlyList<MeasureItem> Items)> WrittenVoices(
        NotatedPart part, IReadOnlyList<IReadOnlyList<IReadOnlyList<MeasureItem>>> voiceMeasures, NotatedBar bar, int staff)
    {
        int? staffNumber = part.Staves > 1 ? staff : null;
        Clef clef = part.Clefs[staff - 1];
        var onStaff = Enumerable.Range(0, part.Voices.Count).Where(v => part.Voices[v].Staff == staff).ToList();
        var playing = onStaff.Where(v => !MeasureSplitter.IsEmpty(voiceMeasures[v][bar.Index])).ToList();
        if (playing.Count == 0)
        {
            int voice = onStaff.Count > 0 ? onStaff[0] : part.Voices.Count + staff - 1;
            yield return (new VoicePlacement(voice + 1, staffNumber, clef, 0, 1), [new MeasureItem(0, bar.Length, [], false, false)]);
            yield break;
        }
        for (int i = 0; i < playing.Count; i++)
            yield return (new VoicePlacement(playing[i] + 1, staffNumber, clef, i, playing.Count), voiceMeasures[playing[i]][bar.Index]);
    }

    /// <summary>The clef element; staff-numbered on a part with several staves.</summary>
    private static XElement ClefElement(Clef clef, int? staff)
    {
        var element = new XElement("clef");
        if (staff is not null) element.Add(new XAttribute("number", staff));
        element.Add(clef == Clef.Bass
            ? [new XElement("sign", "F"), new XElement("line", 4)]
            : [new XElement("sign", "G"), new XElement("line", 2)]);
        if (clef == Clef.TrebleOctaveDown) element.Add(new XElement("clef-octave-change", -1));
        return element;
    }

    /// <summary>
    /// The time signature written for a bar: its own, or for a bar cut short by a time-signature change in mid-bar
    /// (as MIDI allows), a signature that matches its real length (2/4 for half a 4/4 bar), so every bar adds up.
    /// </summary>
    private static TimeSignature WrittenTime(NotatedBar bar)
    {
        const int unitsPerWhole = 4 * NotationScore.UnitsPerQuarter;
        TimeSignature signature = bar.TimeSignature;
        if (bar.Length * signature.Denominator == (long)signature.Numerator * unitsPerWhole) return signature;
        int denominator = signature.Denominator;
        while (bar.Length * denominator % unitsPerWhole != 0 && denominator < unitsPerWhole) denominator *= 2;
        return new TimeSignature(signature.Tick, (int)(bar.Length * denominator / unitsPerWhole), denominator);
    }

    private static XElement TempoDirection(double bpm, long offset)
    {
        string perMinute = bpm.ToString("0.##", Invariant);
        var direction = new XElement("direction", new XAttribute("placement", "above"),
            new XElement("direction-type", new XElement("metronome", new XElement("beat-unit", "quarter"), new XElement("per-minute", perMinute))));
        if (offset > 0) direction.Add(new XElement("offset", offset));
        direction.Add(new XElement("sound", new XAttribute("tempo", perMinute)));
        return direction;
    }

    private static void AddItem(XElement measure, MeasureItem item, VoicePlacement voice, NotatedBar bar, KeySignature key, Accidentals shown)
    {
        if (item.IsRest && item.Offset == 0 && item.Duration == bar.Length)
        {
            var rest = new XElement("note", new XElement("rest", new XAttribute("measure", "yes")),
                new XElement("duration", item.Duration), new XElement("voice", voice.Voice));
            if (voice.Staff is not null) rest.Add(new XElement("staff", voice.Staff));
            measure.Add(rest);
            return;
        }
        IReadOnlyList<NoteValue> values = NoteValue.Decompose(item.Duration);
        for (int k = 0; k < values.Count; k++)
        {
            bool tieStop = !item.IsRest && (k > 0 || item.TiedFromPrevious);
            bool tieStart = !item.IsRest && (k < values.Count - 1 || item.TiedToNext);
            if (item.IsRest)
            {
                measure.Add(NoteElement(null, values[k], voice, chord: false, tieStop: false, tieStart: false, key, shown));
                continue;
            }
            for (int p = 0; p < item.Pitches.Count; p++)
                measure.Add(NoteElement(item.Pitches[p], values[k], voice, chord: p > 0, tieStop, tieStart, key, shown));
        }
    }

    private static XElement NoteElement(int? pitch, NoteValue value, VoicePlacement voice, bool chord, bool tieStop, bool tieStart, KeySignature key, Accidentals shown)
    {
        string? accidental = null;
        var note = new XElement("note");
        if (pitch is null && voice.HidesRests) note.Add(new XAttribute("print-object", "no"));
        if (chord) note.Add(new XElement("chord"));
        if (pitch is int midi)
        {
            SpelledPitch spelled = PitchSpeller.Spell(midi, key);
            var pitchElement = new XElement("pitch", new XElement("step", spelled.Step.ToString()));
            if (spelled.Alter != 0) pitchElement.Add(new XElement("alter", spelled.Alter));
            pitchElement.Add(new XElement("octave", spelled.Octave));
            note.Add(pitchElement);
            // A note held over by a tie shows no accidental; every other note shows one where the bar so far
            // (or the key signature) would read its letter differently.
            if (!tieStop) accidental = shown.Show(spelled);
        }
        else note.Add(RestElement(voice));
        note.Add(new XElement("duration", value.Units));
        if (tieStop) note.Add(new XElement("tie", new XAttribute("type", "stop")));
        if (tieStart) note.Add(new XElement("tie", new XAttribute("type", "start")));
        note.Add(new XElement("voice", voice.Voice));
        note.Add(new XElement("type", value.TypeName));
        for (int d = 0; d < value.Dots; d++) note.Add(new XElement("dot"));
        if (accidental is not null) note.Add(new XElement("accidental", accidental));
        if (pitch is not null && voice.Stem is { } stem) note.Add(new XElement("stem", stem));
        if (voice.Staff is not null) note.Add(new XElement("staff", voice.Staff));
        if (tieStop || tieStart)
        {
            var notations = new XElement("notations");
            if (tieStop) notations.Add(new XElement("tied", new XAttribute("type", "stop")));
            if (tieStart) notations.Add(new XElement("tied", new XAttribute("type", "start")));
            note.Add(notations);
        }
        return note;
    }

    /// <summary>A rest, placed on the staff where its voice shares the bar with others (see <see cref="VoicePlacement"/>).</summary>
    private static XElement RestElement(VoicePlacement voice)
    {
        var rest = new XElement("rest");
        if (voice.RestPosition is var (step, octave))
            rest.Add(new XElement("display-step", step.ToString()), new XElement("display-octave", octave));
        return rest;
    }
}
