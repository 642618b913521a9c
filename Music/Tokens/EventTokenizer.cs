using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Event tokens for any piece (REMI-like): a header declaring tracks (Track, Program, Channel), then per bar a Bar
/// token, the time signature when it changes, and per occupied grid position a Position token followed by tempo and
/// key changes and notes (Track when it changes, Pitch, Velocity, Duration). Sequences start with &lt;bos&gt; and end
/// with &lt;eos&gt;. What the tokens cannot hold is quantized: onsets to the grid, lengths, velocities and tempos to
/// their tables, time signature changes to the next bar line; track names and metadata are not tokens.
/// </summary>
public sealed class EventTokenizer : ITokenizer
{
    /// <summary>Longest piece tokenized, in grid steps (about a million quarter notes on a 1/16 grid), so a broken
    /// file with absurd times cannot make an unbounded token sequence.</summary>
    public const long MaxSteps = 1L << 22;

    public EventTokenizer(EventTokenizerSettings? settings = null) => Table = new EventVocabulary(settings ?? EventTokenizerSettings.Sixteenths);

    public EventVocabulary Table { get; }

    public Vocabulary Vocabulary => Table.Vocabulary;

    public EventTokenizerSettings Settings => Table.Settings;

    public int[] Encode(Piece piece)
    {
        var input = QuantizedPiece.From(piece, Table);
        var ids = new List<int>(input.Notes.Length * 4 + 16) { EventVocabulary.BeginId };
        foreach (var track in input.Tracks)
        {
            ids.Add(Table.IdOf(EventTokenKind.Track, track.Index));
            ids.Add(Table.IdOf(EventTokenKind.Program, track.Program));
            ids.Add(Table.IdOf(EventTokenKind.Channel, track.Channel));
        }

        int tempoPointer = 0, keyPointer = 0, notePointer = 0, currentTrack = -1;
        foreach (var (barStart, signature, signatureChanges) in input.Bars(Table))
        {
            ids.Add(EventVocabulary.BarId);
            if (signatureChanges)
                ids.Add(Table.IdOf(EventTokenKind.TimeSignature, Table.TimeSignatureIndex(signature.Numerator, signature.Denominator)));
            long barEnd = barStart + Table.StepsPerBar(signature.Numerator, signature.Denominator);
            while (true)
            {
                long step = Math.Min(Math.Min(
                    tempoPointer < input.Tempos.Length ? input.Tempos[tempoPointer].Step : long.MaxValue,
                    keyPointer < input.Keys.Length ? input.Keys[keyPointer].Step : long.MaxValue),
                    notePointer < input.Notes.Length ? input.Notes[notePointer].Step : long.MaxValue);
                if (step >= barEnd) break;
                ids.Add(Table.IdOf(EventTokenKind.Position, (int)(step - barStart)));
                for (; tempoPointer < input.Tempos.Length && input.Tempos[tempoPointer].Step == step; tempoPointer++)
                    ids.Add(Table.IdOf(EventTokenKind.Tempo, input.Tempos[tempoPointer].Bucket));
                for (; keyPointer < input.Keys.Length && input.Keys[keyPointer].Step == step; keyPointer++)
                    ids.Add(Table.IdOf(EventTokenKind.Key, input.Keys[keyPointer].KeyValue));
                for (; notePointer < input.Notes.Length && input.Notes[notePointer].Step == step; notePointer++)
                {
                    var note = input.Notes[notePointer];
                    if (note.Track != currentTrack)
                    {
                        ids.Add(Table.IdOf(EventTokenKind.Track, note.Track));
                        currentTrack = note.Track;
                    }
                    ids.Add(Table.IdOf(EventTokenKind.Pitch, note.Pitch));
                    ids.Add(Table.IdOf(EventTokenKind.Velocity, note.VelocityIndex));
                    ids.Add(Table.IdOf(EventTokenKind.Duration, note.DurationIndex));
                }
            }
        }
        ids.Add(EventVocabulary.EndId);
        return ids.ToArray();
    }

    public Piece Decode(ReadOnlySpan<int> ids)
    {
        var decoder = new EventDecoder(Table);
        for (int i = 0; i < ids.Length; i++) decoder.Accept(ids[i], i);
        return decoder.Finish();
    }

    /// <summary>The canonical form of a piece: what survives tokenization (Decode(Encode(piece))).</summary>
    public Piece Quantize(Piece piece) => Decode(Encode(piece));
}
