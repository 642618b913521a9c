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
        return ScoreBars(tracker.CompleteBars);
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
        int first = rawBars.Count;
        if (upTo <= first) return [];
        var windows = new TokenWindow[upTo - first];
        for (int bar = first; bar < upTo; bar++)
            windows[bar - first] = scorer.Windows.WindowOf(tracker.BarStarts, bar, tracker.BarEnd(bar));
        // Hand the critic only the span these windows cover, so a long live piece costs per bar, not per token so far.
        int from = windows.Min(w => w.Start), to = windows.Max(w => w.End);
        var span = tokens.GetRange(from, to - from);
        double[] raw = scorer.Windows.ScoreWindows(span, windows.Select(w => new TokenWindow(w.Start - from, w.End - from)).ToArray());
        rawBars.AddRange(raw);
        return raw.Select((r, i) => scorer.BarFromRaw(first + i, r)).ToArray();
    }
}
