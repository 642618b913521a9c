namespace MusicCluster.Music.Pieces;

/// <summary>
/// A piece of symbolic music: notes on a tick grid plus the tempo map, time and key signatures, tracks and metadata.
/// Times are in ticks of <see cref="TicksPerQuarter"/>. Lists are kept sorted by the builders (<see cref="PieceBuilder"/>
/// and the MIDI reader): notes by (Start, Track, Pitch, Duration), events by Tick.
/// </summary>
public sealed record Piece
{
    public const int DefaultTicksPerQuarter = 480;

    public int TicksPerQuarter { get; init; } = DefaultTicksPerQuarter;
    public IReadOnlyList<Note> Notes { get; init; } = [];
    public IReadOnlyList<TempoChange> Tempos { get; init; } = [];
    public IReadOnlyList<TimeSignature> TimeSignatures { get; init; } = [];
    public IReadOnlyList<KeySignature> KeySignatures { get; init; } = [];
    public IReadOnlyList<TrackInfo> Tracks { get; init; } = [];
    public PieceMetadata Metadata { get; init; } = new();

    /// <summary>The tick at which the last note ends (0 for an empty piece).</summary>
    public long EndTick => Notes.Count == 0 ? 0 : Notes.Max(n => n.Start + n.Duration);

    /// <summary>The tempo MIDI assumes when a piece has none: 120 quarter notes a minute.</summary>
    public const int DefaultMicrosecondsPerQuarter = 500_000;

    /// <summary>The tempo in force at a tick (120 BPM when the piece has none; of two changes at one tick, the later).</summary>
    public TempoChange TempoAt(long tick) =>
        Tempos.LastOrDefault(t => t.Tick <= tick) ?? new TempoChange(0, DefaultMicrosecondsPerQuarter);

    /// <summary>Seconds from the start of the piece to a tick, following the tempo map.</summary>
    public double SecondsAt(long tick)
    {
        double microseconds = 0;
        long from = 0;
        int microsecondsPerQuarter = DefaultMicrosecondsPerQuarter;
        foreach (var change in Tempos)
        {
            if (change.Tick >= tick) break;
            microseconds += (double)(change.Tick - from) * microsecondsPerQuarter / TicksPerQuarter;
            (from, microsecondsPerQuarter) = (change.Tick, change.MicrosecondsPerQuarter);
        }
        microseconds += (double)(tick - from) * microsecondsPerQuarter / TicksPerQuarter;
        return microseconds / 1_000_000;
    }

    /// <summary>Seconds until the last note ends.</summary>
    public double DurationSeconds => SecondsAt(EndTick);

    /// <summary>The time signature in force at a tick (4/4 when the piece has none).</summary>
    public TimeSignature TimeSignatureAt(long tick) =>
        TimeSignatures.LastOrDefault(t => t.Tick <= tick) ?? new TimeSignature(0, 4, 4);

    /// <summary>The key signature in force at a tick (C major when the piece has none).</summary>
    public KeySignature KeySignatureAt(long tick) =>
        KeySignatures.LastOrDefault(k => k.Tick <= tick) ?? new KeySignature(0, 0, false);
}

/// <summary>One note. Pitch 0-127 (MIDI), velocity 1-127, channel 0-15 (9 = General MIDI drums).</summary>
public sealed record Note(int Pitch, long Start, long Duration, int Velocity, int Track, int Channel = 0)
{
    public long End => Start + Duration;

    /// <summary>True on the General MIDI percussion channel, where the pitch picks a drum sound.</summary>
    public bool IsDrum => Channel == TrackInfo.DrumChannel;
}

/// <summary>A tempo change, in microseconds per quarter note as MIDI stores it.</summary>
public sealed record TempoChange(long Tick, int MicrosecondsPerQuarter)
{
    public double BeatsPerMinute => 60_000_000.0 / MicrosecondsPerQuarter;
    public static TempoChange FromBpm(long tick, double bpm) => new(tick, (int)Math.Round(60_000_000.0 / bpm));
}

/// <summary>A time signature; <see cref="Denominator"/> is the note value (4 = quarter), not its power of two.</summary>
public sealed record TimeSignature(long Tick, int Numerator, int Denominator)
{
    /// <summary>Ticks in one bar of this signature.</summary>
    public long TicksPerBar(int ticksPerQuarter) => (long)Numerator * ticksPerQuarter * 4 / Denominator;
}

/// <summary>A key signature: sharps (positive) or flats (negative), -7..7, and major or minor.</summary>
public sealed record KeySignature(long Tick, int Sharps, bool Minor)
{
    private static readonly string[] MajorNames = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"];
    private static readonly string[] MinorNames = ["Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#"];

    /// <summary>Pitch class (0 = C) of the tonic.</summary>
    public int TonicPitchClass => ((Sharps * 7 % 12) + 12 + (Minor ? 9 : 0)) % 12;

    public string Name => (Minor ? MinorNames : MajorNames)[Sharps + 7] + (Minor ? " minor" : " major");
}

/// <summary>A track: its name, General MIDI program (0-127) and channel (0-15).</summary>
public sealed record TrackInfo(int Index, string Name, int Program = 0, int Channel = 0)
{
    /// <summary>The General MIDI percussion channel (channel 10 counted from 1).</summary>
    public const int DrumChannel = 9;

    /// <summary>True for a track on the percussion channel.</summary>
    public bool IsDrums => Channel == DrumChannel;
}

/// <summary>Title and provenance. Provenance is set for generated pieces and null for imported ones.</summary>
public sealed record PieceMetadata
{
    public string Title { get; init; } = "";
    public string? Composer { get; init; }
    public string? Copyright { get; init; }
    public Provenance? Provenance { get; init; }
}

/// <summary>Where a generated piece came from: the model, its parameters, and who stands behind it.</summary>
public sealed record Provenance
{
    public string ModelId { get; init; } = "";
    public string CheckpointId { get; init; } = "";
    public long Seed { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; init; }
    public string? Author { get; init; }
    public string? Adviser { get; init; }
    public string? Organisation { get; init; }
    public string? Licence { get; init; }
}
