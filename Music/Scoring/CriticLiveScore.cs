using MusicCluster.Music.Models;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Live scoring of one sequence: <see cref="Feed"/> tokens as they are generated or played and get the scores of
/// the bars they completed (a bar is complete when the next one starts, or when it holds all its grid tokens);
/// <see cref="Finish"/> scores the last bar and returns the piece's score, equal to scoring the whole sequence at once.
/// </summary>
public sealed class CriticLiveScore
{
    private readonly CriticScorer scorer;
    private readonly CriticBarTracker tracker;
    private readonly List<int> tokens = [];
    private readonly List<double> rawBars = [];
    private bool finished;

    internal CriticLiveScore(CriticScorer scorer)
    {
        this.scorer = scorer;
        tracker = CriticBarTracker.For(scorer.Windows.Vocabulary);
    }

    /// <summary>Tokens received so far.</summary>
    public IReadOnlyList<int> Tokens => tokens;

    /// <summary>Scores of the bars completed so far, in order.</summary>
    public IReadOnlyList<double> RawBars => rawBars;

    /// <summary>Adds tokens; returns the scores of the bars they completed (often none), scored in one batch.</summary>
    public IReadOnlyList<BarScore> Feed(ReadOnlySpan<int> newTokens)
    {
        Add(newTokens);
        return ScoreBars(tracker.CompleteBars);
    }

    /// <summary>Whether bars are complete but not scored yet (after <see cref="Add"/>).</summary>
    public bool HasUnscoredBars => tracker.CompleteBars > rawBars.Count;

    /// <summary>
    /// Adds tokens without scoring the bars they complete: <see cref="ScoreTogether"/> scores those of many live
    /// scores (many sessions' sequences at one step) in one critic batch.
    /// </summary>
    public void Add(ReadOnlySpan<int> newTokens)
    {
        if (finished) throw new InvalidOperationException("this live score is finished; start another for a new sequence");
        int vocabulary = scorer.Windows.Vocabulary.Count;
        for (int i = 0; i < newTokens.Length; i++)
            if (newTokens[i] < 0 || newTokens[i] >= vocabulary)
                throw new ArgumentException($"token {tokens.Count + i} is {newTokens[i]}, outside the vocabulary [0, {vocabulary})", nameof(newTokens));
        foreach (int token in newTokens)
        {
            tokens.Add(token);
            tracker.Add(token);
        }
    }

    /// <summary>
    /// Scores the complete, unscored bars of several live scores of one critic in ONE critic batch (windows are scored
    /// independently, so sequences can share a batch); returns each one's new bar scores, in the order given.
    /// </summary>
    public static IReadOnlyList<BarScore>[] ScoreTogether(IReadOnlyList<CriticLiveScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var results = new IReadOnlyList<BarScore>[scores.Count];
        var tokens = new List<int>();
        var windows = new List<TokenWindow>();
        var parts = new List<(int Index, int First, int Count)>();
        for (int i = 0; i < scores.Count; i++)
        {
            var live = scores[i];
            results[i] = [];
            if (scores.Count > 0 && !ReferenceEquals(live.scorer, scores[0].scorer))
                throw new ArgumentException("live scores scored together must share one critic", nameof(scores));
            if (live.finished || !live.HasUnscoredBars) continue;
            var (span, own) = live.Unscored(live.tracker.CompleteBars);
            parts.Add((i, windows.Count, own.Length));
            windows.AddRange(own.Select(w => new TokenWindow(w.Start + tokens.Count, w.End + tokens.Count)));
            tokens.AddRange(span);
        }
        if (parts.Count == 0) return results;
        double[] raw = scores[0].scorer.Windows.ScoreWindows(tokens, windows);
        foreach (var (index, first, count) in parts)
            results[index] = scores[index].Record(raw.AsSpan(first, count).ToArray());
        return results;
    }

    public IReadOnlyList<BarScore> Feed(params int[] newTokens) => Feed(newTokens.AsSpan());

    /// <summary>Scores what is left (the last bar, or the header alone) and returns the whole piece's score.</summary>
    public PieceScore Finish()
    {
        if (finished) throw new InvalidOperationException("this live score is already finished");
        if (tokens.Count == 0) throw new InvalidOperationException("no tokens were fed: there is nothing to score");
        if (tracker.BarStarts.Count == 0)
        {
            rawBars.AddRange(scorer.Windows.ScoreWindows(tokens, scorer.Windows.Windows(tokens)));
        }
        else
        {
            ScoreBars(tracker.BarStarts.Count);
        }
        finished = true;
        return scorer.FromRaw(rawBars.ToArray());
    }

    private IReadOnlyList<BarScore> ScoreBars(int upTo)
    {
        if (upTo <= rawBars.Count) return [];
        var (span, windows) = Unscored(upTo);
        return Record(scorer.Windows.ScoreWindows(span, windows));
    }

    /// <summary>The windows of bars rawBars.Count..upTo-1, relative to the span of tokens they cover.</summary>
    private (List<int> Span, TokenWindow[] Windows) Unscored(int upTo)
    {
        int first = rawBars.Count;
        var windows = new TokenWindow[upTo - first];
        for (int bar = first; bar < upTo; bar++)
            windows[bar - first] = scorer.Windows.WindowOf(tracker.BarStarts, bar, tracker.BarEnd(bar));
        // Hand the critic only the span these windows cover, so a long live piece costs per bar, not per token so far.
        int from = windows.Min(w => w.Start), to = windows.Max(w => w.End);
        return (tokens.GetRange(from, to - from), windows.Select(w => new TokenWindow(w.Start - from, w.End - from)).ToArray());
    }

    private IReadOnlyList<BarScore> Record(double[] raw)
    {
        int first = rawBars.Count;
        rawBars.AddRange(raw);
        return raw.Select((r, i) => scorer.BarFromRaw(first + i, r)).ToArray();
    }
}
