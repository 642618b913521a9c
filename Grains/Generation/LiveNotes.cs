using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Generation;

/// <summary>
/// Turns tokens into notes as they arrive (times in quarter notes). Event tokens: each note as soon as its tokens are
/// complete. JSB grid tokens (four voices per 16th step): a voice's note once the voice moves on, since a held note is
/// the same pitch repeated; <see cref="Finish"/> gives the notes still sounding when the piece ends.
/// </summary>
internal sealed class LiveNotes
{
    private readonly EventDecoder? decoder;
    private readonly double ticksPerQuarter;
    private readonly GridVoices? grid;
    private int index, reported;

    public LiveNotes(ITokenizer tokenizer)
    {
        if (tokenizer is EventTokenizer events)
        {
            decoder = new EventDecoder(events.Table);
            ticksPerQuarter = events.Table.Settings.TicksPerQuarter;
        }
        else if (tokenizer is JsbGridTokenizer)
        {
            grid = new GridVoices();
        }
    }

    /// <summary>The notes these tokens completed (none once a token failed to decode: the finished piece still gets decoded whole).</summary>
    public IReadOnlyList<GeneratedNote> Add(IEnumerable<int> tokens)
    {
        if (grid is not null) return grid.Add(tokens);
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

    /// <summary>The notes still sounding at the end of the piece (grid voices); event notes are all out already.</summary>
    public IReadOnlyList<GeneratedNote> Finish() => grid?.Finish() ?? [];

    /// <summary>The four voices of a grid sequence, cell by cell after the start token; a note ends when its voice changes pitch.</summary>
    private sealed class GridVoices
    {
        private const int StepsPerQuarter = 4, StepsPerBar = 16, Velocity = 80;
        private readonly int[] pitch = Enumerable.Repeat(ChoraleGrid.Silent, ChoraleGrid.Voices).ToArray();
        private readonly int[] since = new int[ChoraleGrid.Voices];
        private bool begun;
        private int cells;

        public IReadOnlyList<GeneratedNote> Add(IEnumerable<int> tokens)
        {
            var notes = new List<GeneratedNote>();
            foreach (int token in tokens)
            {
                if (!begun)
                {
                    begun = token == JsbGridTokenizer.BeginId;
                    continue;
                }
                if (token < JsbGridTokenizer.SilentId) continue;
                int voice = cells % ChoraleGrid.Voices, step = cells / ChoraleGrid.Voices;
                int cell = token == JsbGridTokenizer.SilentId ? ChoraleGrid.Silent : token - JsbGridTokenizer.FirstPitchId;
                cells++;
                if (step > 0 && cell == pitch[voice]) continue;
                if (End(voice, step) is { } note) notes.Add(note);
                pitch[voice] = cell;
                since[voice] = step;
            }
            return notes;
        }

        public IReadOnlyList<GeneratedNote> Finish()
        {
            int steps = cells / ChoraleGrid.Voices;
            var notes = new List<GeneratedNote>();
            for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
            {
                if (End(voice, steps) is { } note) notes.Add(note);
                pitch[voice] = ChoraleGrid.Silent;
                since[voice] = steps;
            }
            return notes;
        }

        private GeneratedNote? End(int voice, int step) => pitch[voice] == ChoraleGrid.Silent || step <= since[voice]
            ? null
            : new GeneratedNote(since[voice] / (double)StepsPerQuarter, (step - since[voice]) / (double)StepsPerQuarter, pitch[voice], Velocity, voice,
                since[voice] / StepsPerBar);
    }
}
