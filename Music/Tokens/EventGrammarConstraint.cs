using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Lets a sampler produce only event-token sequences that decode: at each position it allows exactly the tokens
/// that the grammar of <see cref="EventDecoder"/> accepts next, with a few rules of its own that keep the result
/// useful: at least one track is declared before the first bar, <c>Bar</c> is refused once
/// <c>barsToAdd</c> bars follow the primer, and <c>&lt;eos&gt;</c> is allowed only then, so a completed sequence
/// has exactly that many new bars; at most <see cref="MaxNotesPerPosition"/> notes and one tempo and one key change
/// per position, so that every bar, and with it every sequence, ends within a bounded number of tokens. Every token the sequence receives (primer included) also goes through an
/// <see cref="EventDecoder"/>, so a primer that breaks the grammar fails with the decoder's error and index.
/// </summary>
public sealed class EventGrammarConstraint : ITokenConstraint
{
    private enum State { Start, Header, HeaderProgram, HeaderChannel, BarOpened, InBar, AtPosition, AfterTrack, AfterPitch, AfterVelocity, Ended }

    /// <summary>Notes that may start at one position of a bar (chords of a large ensemble fit; an endless run does not).</summary>
    public const int MaxNotesPerPosition = 24;

    private readonly EventVocabulary table;
    private readonly EventDecoder decoder;
    private readonly int barsToAdd;
    private int consumed, tracks, bars, position = -1, barSteps, track = -1, notesHere;
    private bool tempoHere, keyHere;
    private int? targetBars;
    private bool signatureSeen;
    private State state = State.Start;

    public EventGrammarConstraint(EventVocabulary table, int barsToAdd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(barsToAdd, 1);
        this.table = table;
        this.barsToAdd = barsToAdd;
        decoder = new EventDecoder(table);
    }

    /// <summary>Bars in the sequence so far (primer included).</summary>
    public int Bars => bars;

    public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
    {
        Consume(tokens);
        // The primer's bars are known at the first call: the new bars come on top of them.
        targetBars ??= bars + barsToAdd;
        bool mayOpenBar = bars < targetBars, mayEnd = bars >= targetBars;
        switch (state)
        {
            case State.Start:
                allowed[EventVocabulary.BeginId] = true;
                allowed[table.IdOf(EventTokenKind.Track, 0)] = true;
                break;
            case State.Header:
                if (tracks < EventVocabulary.MaxTracks) allowed[table.IdOf(EventTokenKind.Track, tracks)] = true;
                if (tracks > 0 && mayOpenBar) allowed[EventVocabulary.BarId] = true;
                break;
            case State.HeaderProgram:
                AllowAll(EventTokenKind.Program, 128, allowed);
                break;
            case State.HeaderChannel:
                AllowAll(EventTokenKind.Channel, 16, allowed);
                break;
            case State.BarOpened:
                AllowAll(EventTokenKind.TimeSignature, table.TimeSignatures.Count, allowed);
                if (signatureSeen) AllowInBar(allowed, mayOpenBar, mayEnd);
                break;
            case State.InBar:
            case State.AtPosition:
                AllowInBar(allowed, mayOpenBar, mayEnd);
                break;
            case State.AfterTrack:
                AllowAll(EventTokenKind.Pitch, 128, allowed);
                break;
            case State.AfterPitch:
                AllowAll(EventTokenKind.Velocity, EventQuantization.Velocities.Count, allowed);
                break;
            case State.AfterVelocity:
                AllowAll(EventTokenKind.Duration, table.DurationSteps.Length, allowed);
                break;
            case State.Ended:
                allowed[EventVocabulary.PadId] = true;
                break;
        }
    }

    public bool IsComplete(ReadOnlySpan<int> tokens)
    {
        Consume(tokens);
        return state == State.Ended;
    }

    private void AllowInBar(Span<bool> allowed, bool mayOpenBar, bool mayEnd)
    {
        for (int p = position + 1; p < barSteps; p++) allowed[table.IdOf(EventTokenKind.Position, p)] = true;
        if (mayOpenBar) allowed[EventVocabulary.BarId] = true;
        if (mayEnd) allowed[EventVocabulary.EndId] = true;
        if (state != State.AtPosition) return;
        if (!tempoHere) AllowAll(EventTokenKind.Tempo, EventQuantization.TempoBpms.Count, allowed);
        if (!keyHere)
            for (int sharps = -7; sharps <= 7; sharps++)
            {
                allowed[table.IdOf(EventTokenKind.Key, EventVocabulary.KeyValue(sharps, false))] = true;
                allowed[table.IdOf(EventTokenKind.Key, EventVocabulary.KeyValue(sharps, true))] = true;
            }
        if (notesHere >= MaxNotesPerPosition) return;
        for (int t = 0; t < tracks; t++) allowed[table.IdOf(EventTokenKind.Track, t)] = true;
        if (track >= 0) AllowAll(EventTokenKind.Pitch, 128, allowed);
    }

    private void AllowAll(EventTokenKind kind, int count, Span<bool> allowed)
    {
        int first = table.IdOf(kind, 0);
        allowed.Slice(first, count).Fill(true);
    }

    /// <summary>Advances the state over the tokens not seen yet (the sampler passes the whole sequence each time).</summary>
    private void Consume(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length < consumed) throw new InvalidOperationException("the sequence got shorter: one constraint serves one growing sequence");
        for (; consumed < tokens.Length; consumed++)
        {
            int id = tokens[consumed];
            decoder.Accept(id, consumed); // throws TokenDecodeException, with the index, for a token that breaks the grammar
            Advance(table.KindOf(id), table.ValueOf(id));
        }
    }

    private void Advance(EventTokenKind kind, int value)
    {
        switch (kind)
        {
            case EventTokenKind.Pad:
                return;
            case EventTokenKind.Begin:
                state = State.Header;
                return;
            case EventTokenKind.Track when state is State.Start or State.Header:
                tracks++;
                state = State.HeaderProgram;
                return;
            case EventTokenKind.Program:
                state = State.HeaderChannel;
                return;
            case EventTokenKind.Channel:
                state = State.Header;
                return;
            case EventTokenKind.Bar:
                bars++;
                position = -1;
                state = State.BarOpened;
                return;
            case EventTokenKind.TimeSignature:
                var (numerator, denominator) = table.TimeSignatures[value];
                barSteps = table.StepsPerBar(numerator, denominator);
                signatureSeen = true;
                state = State.InBar;
                return;
            case EventTokenKind.Position:
                position = value;
                notesHere = 0;
                tempoHere = keyHere = false;
                state = State.AtPosition;
                return;
            case EventTokenKind.Tempo:
                tempoHere = true;
                return;
            case EventTokenKind.Key:
                keyHere = true;
                return;
            case EventTokenKind.Track:
                track = value;
                state = State.AfterTrack;
                return;
            case EventTokenKind.Pitch:
                state = State.AfterPitch;
                return;
            case EventTokenKind.Velocity:
                state = State.AfterVelocity;
                return;
            case EventTokenKind.Duration:
                notesHere++;
                state = State.AtPosition;
                return;
            case EventTokenKind.End:
                state = State.Ended;
                return;
        }
    }
}
