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
    // Bars handed out for scoring (TakeUnscored); rawBars catches up when their requests are recorded.
    private int requested;
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
    public bool HasUnscoredBars => tracker.CompleteBars > requested;

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
        if (scores.Any(live => !ReferenceEquals(live.scorer, scores[0].scorer)))
            throw new ArgumentException("live scores scored together must share one critic", nameof(scores));
        var requests = new List<(int Index, LiveBarsRequest Request)>();
        for (int i = 0; i < scores.Count; i++)
            if (scores[i].TakeUnscored() is { } request) requests.Add((i, request));
        var scored = ScoreRequests(requests.Select(r => r.Request).ToArray());
        var results = Enumerable.Repeat<IReadOnlyList<BarScore>>([], scores.Count).ToArray();
        for (int k = 0; k < requests.Count; k++) results[requests[k].Index] = scored[k];
        return results;
    }

    /// <summary>
    /// The bars completed since the last request, with copies of the tokens their windows cover, to be scored by
    /// <see cref="ScoreRequests"/>, possibly on another thread while tokens keep arriving here; null when none is
    /// complete. Requests must be scored in the order they were taken.
    /// </summary>
    public LiveBarsRequest? TakeUnscored()
    {
        int upTo = tracker.CompleteBars;
        if (finished || upTo <= requested) return null;
        var (span, windows) = Unscored(upTo);
        var request = new LiveBarsRequest(this, requested, span.ToArray(), windows);
        requested = upTo;
        return request;
    }

    /// <summary>
    /// Scores requests of live scores of one critic in ONE critic batch and records each in its live score; returns
    /// each request's bar scores, in the order given.
    /// </summary>
    public static IReadOnlyList<BarScore>[] ScoreRequests(IReadOnlyList<LiveBarsRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        var scorer = requests[0].Live.scorer;
        if (requests.Any(r => !ReferenceEquals(r.Live.scorer, scorer)))
            throw new ArgumentException("live scores scored together must share one critic", nameof(requests));
        var tokens = new List<int>();
        var windows = new List<TokenWindow>();
        foreach (var request in requests)
        {
            windows.AddRange(request.Windows.Select(w => new TokenWindow(w.Start + tokens.Count, w.End + tokens.Count)));
            tokens.AddRange(request.Tokens);
        }
        double[] raw = scorer.Windows.ScoreWindows(tokens, windows);
        var results = new IReadOnlyList<BarScore>[requests.Count];
        int first = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            results[i] = request.Live.Record(request.FirstBar, raw.AsSpan(first, request.Windows.Count).ToArray());
            first += request.Windows.Count;
        }
        return results;
    }

    public IReadOnlyList<BarScore> Feed(params int[] newTokens) => Feed(newTokens.AsSpan());

    /// <summary>Scores what is left (the last bar, or the header alone) and returns the whole piece's score.</summary>
    public PieceScore Finish()
    {
        if (finished) throw new InvalidOperationException("this live score is already finished");
        if (tokens.Count == 0) throw new InvalidOperationException("no tokens were fed: there is nothing to score");
        if (requested != rawBars.Count)
            throw new InvalidOperationException($"bars {rawBars.Count}..{requested - 1} were handed out for scoring " +
                "and are not recorded yet: score every request before finishing");
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
        if (upTo <= requested) return [];
        var (span, windows) = Unscored(upTo);
        int first = requested;
        requested = upTo;
        return Record(first, scorer.Windows.ScoreWindows(span, windows));
    }

    /// <summary>The windows of bars requested..upTo-1, relative to the span of tokens they cover.</summary>
    private (List<int> Span, TokenWindow[] Windows) Unscored(int upTo)
    {
        int first = requested;
        var windows = new TokenWindow[upTo - first];
        for (int bar = first; bar < upTo; bar++)
            windows[bar - first] = scorer.Windows.WindowOf(tracker.BarStarts, bar, tracker.BarEnd(bar));
        // Hand the critic only the span these windows cover, so a long live piece costs per bar, not per token so far.
        int from = windows.Min(w => w.Start), to = windows.Max(w => w.End);
        return (tokens.GetRange(from, to - from), windows.Select(w => new TokenWindow(w.Start - from, w.End - from)).ToArray());
    }

    private IReadOnlyList<BarScore> Record(int first, double[] raw)
    {
        if (first != rawBars.Count)
            throw new InvalidOperationException($"bars from {first} scored while {rawBars.Count} are recorded: requests must be scored in the order they were taken");
        rawBars.AddRange(raw);
        return raw.Select((r, i) => scorer.BarFromRaw(first + i, r)).ToArray();
    }
}

/// <summary>Bars of one live score to be scored (<see cref="CriticLiveScore.TakeUnscored"/>): the first bar's number, the tokens the windows cover and the windows within
/// them.</summary>
public sealed record LiveBarsRequest(CriticLiveScore Live, int FirstBar, IReadOnlyList<int> Tokens, IReadOnlyList<TokenWindow> Windows);
