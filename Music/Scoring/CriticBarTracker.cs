using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Finds bar boundaries in a token sequence as it arrives, one token at a time, so the live meter and whole-piece
/// scoring see the same bars. Event tokens: a bar starts at each Bar token (the header before the first bar belongs
/// to no bar; the last bar runs to the end, &lt;eos&gt; included). JSB grid tokens: a bar is 16 steps of four voices
/// (64 tokens; the grid is 4/4), after any leading &lt;bos&gt;/&lt;pad&gt;.
/// </summary>
public sealed class CriticBarTracker
{
    private readonly List<int> barStarts = [];
    private readonly int barId;
    private readonly int gridTokensPerBar;
    private readonly HashSet<int> gridHeaderIds = [];
    private int gridTokens;
    private bool gridBodyStarted;

    private CriticBarTracker(int barId, int gridTokensPerBar, IEnumerable<int> gridHeaderIds)
    {
        this.barId = barId;
        this.gridTokensPerBar = gridTokensPerBar;
        this.gridHeaderIds.UnionWith(gridHeaderIds);
    }

    /// <summary>A tracker for a vocabulary of the event or JSB grid tokenizer; another kind is refused.</summary>
    public static CriticBarTracker For(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return vocabulary.Kind switch
        {
            EventVocabulary.Kind => new CriticBarTracker(vocabulary.IdOf("Bar"), 0, []),
            JsbGridTokenizer.Kind => new CriticBarTracker(-1,
                Setting(vocabulary, "stepsPerQuarter") * 4 * Setting(vocabulary, "voices"),
                [JsbGridTokenizer.BeginId, JsbGridTokenizer.PadId]),
            _ => throw new ArgumentException($"cannot find bars in tokens of kind '{vocabulary.Kind}' (vocabulary {vocabulary.Version})", nameof(vocabulary)),
        };
    }

    /// <summary>Tokens seen so far.</summary>
    public int Length { get; private set; }

    /// <summary>Position of each bar's first token, in order.</summary>
    public IReadOnlyList<int> BarStarts => barStarts;

    /// <summary>Bars known to be complete before the piece ends: every bar but the last (event tokens), or every
    /// bar with all of its grid tokens.</summary>
    public int CompleteBars => gridTokensPerBar > 0 ? gridTokens / gridTokensPerBar : Math.Max(0, barStarts.Count - 1);

    /// <summary>One past the last token of bar <paramref name="bar"/> (for the last bar: the tokens seen so far).</summary>
    public int BarEnd(int bar) => bar + 1 < barStarts.Count ? barStarts[bar + 1] : Length;

    public void Add(int token)
    {
        int position = Length++;
        if (gridTokensPerBar == 0)
        {
            if (token == barId) barStarts.Add(position);
            return;
        }
        if (!gridBodyStarted && gridHeaderIds.Contains(token)) return;
        gridBodyStarted = true;
        if (gridTokens % gridTokensPerBar == 0) barStarts.Add(position);
        gridTokens++;
    }

    /// <summary>Bar start positions of a whole sequence.</summary>
    public static IReadOnlyList<int> FindBars(Vocabulary vocabulary, IReadOnlyList<int> tokens)
    {
        var tracker = For(vocabulary);
        foreach (int token in tokens) tracker.Add(token);
        return tracker.BarStarts;
    }

    private static int Setting(Vocabulary vocabulary, string name) =>
        vocabulary.Settings.TryGetValue(name, out int value) && value > 0
            ? value
            : throw new ArgumentException($"vocabulary {vocabulary.Version} lacks a positive setting '{name}'", nameof(vocabulary));
}
