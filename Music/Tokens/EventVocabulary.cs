namespace MusicCluster.Music.Tokens;

/// <summary>
/// The event tokenizer's vocabulary and, per token id, its kind and value, so encoding and decoding are table
/// look-ups. Token names are readable ("Pitch_60", "Duration_4", "TimeSig_3/4") and are what the version hashes.
/// </summary>
public sealed class EventVocabulary
{
    public const string Kind = "event";
    public const int FormatVersion = 1;
    public const int MaxTracks = 16;
    public const int PadId = 0, BeginId = 1, EndId = 2, BarId = 3;

    private readonly EventTokenKind[] _kinds;
    private readonly int[] _values;
    private readonly Dictionary<EventTokenKind, int> _firstId = [];

    public EventVocabulary(EventTokenizerSettings settings)
    {
        settings.Validate();
        Settings = settings;
        DurationSteps = EventQuantization.DurationSteps(settings.StepsPerQuarter);
        TimeSignatures = EventQuantization.TimeSignatureDenominators
            .SelectMany(d => Enumerable.Range(1, EventQuantization.MaxTimeSignatureNumerator).Select(n => (n, d))).ToArray();
        MaxBarSteps = TimeSignatures.Max(t => StepsPerBar(t.Numerator, t.Denominator));

        var names = new List<string>();
        var kinds = new List<EventTokenKind>();
        var values = new List<int>();
        void Add(EventTokenKind kind, int value, string name)
        {
            _firstId.TryAdd(kind, names.Count);
            names.Add(name);
            kinds.Add(kind);
            values.Add(value);
        }

        Add(EventTokenKind.Pad, 0, "<pad>");
        Add(EventTokenKind.Begin, 0, "<bos>");
        Add(EventTokenKind.End, 0, "<eos>");
        Add(EventTokenKind.Bar, 0, "Bar");
        for (int i = 0; i < TimeSignatures.Count; i++) Add(EventTokenKind.TimeSignature, i, $"TimeSig_{TimeSignatures[i].Numerator}/{TimeSignatures[i].Denominator}");
        for (int p = 0; p < MaxBarSteps; p++) Add(EventTokenKind.Position, p, $"Position_{p}");
        for (int i = 0; i < EventQuantization.TempoBpms.Count; i++) Add(EventTokenKind.Tempo, i, $"Tempo_{EventQuantization.TempoBpms[i]}");
        for (int sharps = -7; sharps <= 7; sharps++)
        {
            Add(EventTokenKind.Key, KeyValue(sharps, false), $"Key_{sharps}_major");
            Add(EventTokenKind.Key, KeyValue(sharps, true), $"Key_{sharps}_minor");
        }
        for (int t = 0; t < MaxTracks; t++) Add(EventTokenKind.Track, t, $"Track_{t}");
        for (int p = 0; p < 128; p++) Add(EventTokenKind.Program, p, $"Program_{p}");
        for (int c = 0; c < 16; c++) Add(EventTokenKind.Channel, c, $"Channel_{c}");
        for (int p = 0; p < 128; p++) Add(EventTokenKind.Pitch, p, $"Pitch_{p}");
        for (int i = 0; i < EventQuantization.Velocities.Count; i++) Add(EventTokenKind.Velocity, i, $"Velocity_{EventQuantization.Velocities[i]}");
        for (int i = 0; i < DurationSteps.Length; i++) Add(EventTokenKind.Duration, i, $"Duration_{DurationSteps[i]}");

        _kinds = kinds.ToArray();
        _values = values.ToArray();
        Vocabulary = new Vocabulary(Kind, FormatVersion,
            new Dictionary<string, int> { ["stepsPerQuarter"] = settings.StepsPerQuarter, ["ticksPerQuarter"] = settings.TicksPerQuarter }, names);
    }

    public EventTokenizerSettings Settings { get; }

    public Vocabulary Vocabulary { get; }

    /// <summary>Supported time signatures, indexed by the value of a TimeSignature token.</summary>
    public IReadOnlyList<(int Numerator, int Denominator)> TimeSignatures { get; }

    /// <summary>Note lengths in steps, indexed by the value of a Duration token.</summary>
    public int[] DurationSteps { get; }

    /// <summary>Bar positions run 0..MaxBarSteps-1 (the longest supported bar).</summary>
    public int MaxBarSteps { get; }

    public int StepsPerBar(int numerator, int denominator) => numerator * 4 * Settings.StepsPerQuarter / denominator;

    public EventTokenKind KindOf(int id) => _kinds[id];

    public int ValueOf(int id) => _values[id];

    /// <summary>The id of the token of a kind with a value; values are indices for tables (tempo, velocity, duration).</summary>
    public int IdOf(EventTokenKind kind, int value) => _firstId[kind] + value;

    public int TimeSignatureIndex(int numerator, int denominator) =>
        Array.IndexOf(EventQuantization.TimeSignatureDenominators, denominator) * EventQuantization.MaxTimeSignatureNumerator + numerator - 1;

    public static int KeyValue(int sharps, bool minor) => (sharps + 7) * 2 + (minor ? 1 : 0);

    public static int KeySharps(int keyValue) => keyValue / 2 - 7;

    public static bool KeyIsMinor(int keyValue) => keyValue % 2 == 1;
}
