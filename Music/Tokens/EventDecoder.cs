using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Reads event tokens one at a time against the grammar <see cref="EventTokenizer"/> writes, so a sequence is
/// rejected at the first token that does not fit, with its index. Also usable incrementally (a generator's output).
/// </summary>
public sealed class EventDecoder(EventVocabulary table)
{
    private enum State { Start, Header, HeaderProgram, HeaderChannel, BarOpened, InBar, AtPosition, AfterTrack, AfterPitch, AfterVelocity, Ended }

    private readonly List<TrackInfo> _tracks = [];
    private readonly List<Note> _notes = [];
    private readonly List<TempoChange> _tempos = [];
    private readonly List<KeySignature> _keys = [];
    private readonly List<TimeSignature> _signatures = [];
    private readonly int _ticksPerStep = table.Settings.TicksPerStep;
    private State _state = State.Start;
    private int _headerProgram;
    private long _barStart = -1, _barSteps;
    private int _position = -1, _track = -1, _pitch, _velocity, _lastIndex = -1;

    /// <summary>Notes read so far, in the order their tokens came (for showing a piece while it is generated).</summary>
    public IReadOnlyList<Note> Notes => _notes;

    /// <summary>Bars opened so far (the bar of the newest note is Bars - 1).</summary>
    public int Bars { get; private set; }

    /// <summary>True once a complete piece has been read (after &lt;eos&gt; or at a token boundary between events).</summary>
    public bool AtBoundary => _state is State.InBar or State.AtPosition or State.Ended || (_state == State.BarOpened && _signatures.Count > 0);

    public void Accept(int id, int index)
    {
        _lastIndex = index;
        if (!table.Vocabulary.Contains(id))
            throw new TokenDecodeException(index, id, null, $"id is not in vocabulary {table.Vocabulary.Version} (ids 0..{table.Vocabulary.Count - 1})");
        EventTokenKind kind = table.KindOf(id);
        int value = table.ValueOf(id);
        string Name() => table.Vocabulary.Tokens[id];
        TokenDecodeException Unexpected(string expected) => new(index, id, Name(), $"expected {expected}");

        if (kind == EventTokenKind.Pad)
        {
            if (_state == State.Ended) return;
            throw new TokenDecodeException(index, id, Name(), "padding may only follow <eos>");
        }
        switch (_state)
        {
            case State.Start when kind == EventTokenKind.Begin:
                _state = State.Header;
                return;
            case State.Start:
            case State.Header:
                if (kind == EventTokenKind.Track)
                {
                    if (value != _tracks.Count) throw Unexpected($"Track_{_tracks.Count} (tracks are declared in order)");
                    _state = State.HeaderProgram;
                    return;
                }
                if (kind == EventTokenKind.Bar) { OpenBar(); return; }
                throw Unexpected("a track declaration (Track, Program, Channel) or the first Bar");
            case State.HeaderProgram:
                if (kind != EventTokenKind.Program) throw Unexpected("Program after a declared Track");
                _headerProgram = value;
                _state = State.HeaderChannel;
                return;
            case State.HeaderChannel:
                if (kind != EventTokenKind.Channel) throw Unexpected("Channel after Track and Program");
                _tracks.Add(new TrackInfo(_tracks.Count, "", _headerProgram, value));
                _state = State.Header;
                return;
            case State.BarOpened:
                if (kind == EventTokenKind.TimeSignature)
                {
                    var (numerator, denominator) = table.TimeSignatures[value];
                    _signatures.Add(new TimeSignature(_barStart * _ticksPerStep, numerator, denominator));
                    _barSteps = table.StepsPerBar(numerator, denominator);
                    _state = State.InBar;
                    return;
                }
                if (_signatures.Count == 0) throw Unexpected("a time signature in the first bar");
                _state = State.InBar;
                AcceptInBar(kind, value, index, id, Name());
                return;
            case State.InBar:
            case State.AtPosition:
                AcceptInBar(kind, value, index, id, Name());
                return;
            case State.AfterTrack:
                if (kind != EventTokenKind.Pitch) throw Unexpected("Pitch after Track");
                _pitch = value;
                _state = State.AfterPitch;
                return;
            case State.AfterPitch:
                if (kind != EventTokenKind.Velocity) throw Unexpected("Velocity after Pitch");
                _velocity = EventQuantization.Velocities[value];
                _state = State.AfterVelocity;
                return;
            case State.AfterVelocity:
                if (kind != EventTokenKind.Duration) throw Unexpected("Duration after Velocity");
                var track = _tracks[_track];
                _notes.Add(new Note(_pitch, (_barStart + _position) * _ticksPerStep, (long)table.DurationSteps[value] * _ticksPerStep, _velocity, track.Index, track.Channel));
                _state = State.AtPosition;
                return;
            case State.Ended:
                throw new TokenDecodeException(index, id, Name(), "only padding may follow <eos>");
            default:
                throw new InvalidOperationException($"Unhandled decoder state {_state}");
        }
    }

    private void AcceptInBar(EventTokenKind kind, int value, int index, int id, string name)
    {
        switch (kind)
        {
            case EventTokenKind.Bar:
                OpenBar();
                return;
            case EventTokenKind.End:
                _state = State.Ended;
                return;
            case EventTokenKind.Position:
                if (value <= _position) throw new TokenDecodeException(index, id, name, $"positions in a bar must increase (previous {_position})");
                if (value >= _barSteps) throw new TokenDecodeException(index, id, name, $"position is beyond the bar, which has {_barSteps} steps");
                _position = value;
                _state = State.AtPosition;
                return;
        }
        if (_state != State.AtPosition)
            throw new TokenDecodeException(index, id, name, "expected Position, Bar or <eos> (events need a position in the bar)");
        switch (kind)
        {
            case EventTokenKind.Tempo:
                _tempos.Add(new TempoChange((_barStart + _position) * _ticksPerStep, EventQuantization.TempoMicroseconds(value)));
                return;
            case EventTokenKind.Key:
                _keys.Add(new KeySignature((_barStart + _position) * _ticksPerStep, EventVocabulary.KeySharps(value), EventVocabulary.KeyIsMinor(value)));
                return;
            case EventTokenKind.Track:
                if (value >= _tracks.Count) throw new TokenDecodeException(index, id, name, $"track {value} was not declared (the header declares {_tracks.Count})");
                _track = value;
                _state = State.AfterTrack;
                return;
            case EventTokenKind.Pitch:
                if (_track < 0) throw new TokenDecodeException(index, id, name, "a note needs a Track token before its first Pitch");
                _pitch = value;
                _state = State.AfterPitch;
                return;
            default:
                throw new TokenDecodeException(index, id, name, "expected Position, Tempo, Key, Track, Pitch, Bar or <eos>");
        }
    }

    private void OpenBar()
    {
        Bars++;
        _barStart = _barStart < 0 ? 0 : _barStart + _barSteps;
        _position = -1;
        _state = State.BarOpened;
    }

    /// <summary>The piece read so far; throws when the sequence stopped inside a note or before its first bar.</summary>
    public Piece Finish()
    {
        if (!AtBoundary)
            throw new TokenDecodeException(-1, -1, null, _state switch
            {
                State.Start or State.Header => "the sequence has no Bar",
                State.HeaderProgram or State.HeaderChannel => "the sequence stops inside a track declaration",
                State.BarOpened => "the first bar has no time signature",
                _ => $"the sequence stops inside a note (after token {_lastIndex})",
            });
        return PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = table.Settings.TicksPerQuarter,
            Notes = _notes.ToList(),
            Tempos = _tempos.ToList(),
            KeySignatures = _keys.ToList(),
            TimeSignatures = _signatures.ToList(),
            Tracks = _tracks.ToList(),
        });
    }
}
