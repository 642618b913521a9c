using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Generation;

/// <summary>
/// Turns event tokens into notes as they arrive (times in quarter notes). Other vocabularies (the JSB grid) have no
/// incremental decoder here: their notes appear when the piece is complete.
/// </summary>
internal sealed class LiveNotes
{
    private readonly EventDecoder? decoder;
    private readonly double ticksPerQuarter;
    private int index, reported;

    public LiveNotes(ITokenizer tokenizer)
    {
        if (tokenizer is EventTokenizer events)
        {
            decoder = new EventDecoder(events.Table);
            ticksPerQuarter = events.Table.Settings.TicksPerQuarter;
        }
    }

    /// <summary>The notes these tokens completed (none once a token failed to decode: the finished piece still gets decoded whole).</summary>
    public IReadOnlyList<GeneratedNote> Add(IEnumerable<int> tokens)
    {
        if (decoder is null) return [];
        var notes = new List<GeneratedNote>();
        foreach (int token in tokens)
        {
            try
            {
                decoder.Accept(token, index++);
            }
            catch (TokenDecodeException)
            {
                return notes;
            }
            for (; reported < decoder.Notes.Count; reported++)
            {
                var note = decoder.Notes[reported];
                notes.Add(new GeneratedNote(note.Start / ticksPerQuarter, note.Duration / ticksPerQuarter, note.Pitch, note.Velocity, note.Track,
                    Math.Max(0, decoder.Bars - 1)));
            }
        }
        return notes;
    }
}
