using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Raw (uncalibrated) critic scores of a token sequence, one per bar: bar b's score is the critic's score of the
/// window of <see cref="CriticScorerOptions.WindowBars"/> bars ending with bar b. The first window also holds the
/// header before bar 0; a window longer than the critic's context keeps its last tokens. A sequence without any bar
/// (a header only) is scored as one window. Used to score pieces, to build calibrations and to train critics, so
/// all three see the same windows.
/// </summary>
public sealed class CriticWindowScorer
{
    public CriticWindowScorer(TransformerCritic critic, Vocabulary vocabulary, CriticScorerOptions? options = null)
    {
        Critic = critic ?? throw new ArgumentNullException(nameof(critic));
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        if (critic.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the critic has {critic.Config.VocabSize} token ids but vocabulary " +
                $"{vocabulary.Version} has {vocabulary.Count}: they do not belong together", nameof(vocabulary));
        Options = (options ?? new CriticScorerOptions()).EnsureValid();
        CriticBarTracker.For(vocabulary); // refuses a vocabulary without bars now, not at the first score
    }

    public TransformerCritic Critic { get; }

    public Vocabulary Vocabulary { get; }

    public CriticScorerOptions Options { get; }

    /// <summary>The window that scores bar <paramref name="bar"/> of a sequence with these bar starts, ending at <paramref name="barEnd"/>.</summary>
    public TokenWindow WindowOf(IReadOnlyList<int> barStarts, int bar, int barEnd)
    {
        int firstBar = bar - Options.WindowBars + 1;
        int start = firstBar <= 0 ? 0 : barStarts[firstBar];
        start = Math.Max(start, barEnd - Critic.Config.ContextLength);
        return new TokenWindow(start, barEnd);
    }

    /// <summary>Every bar's window of a whole sequence (the last bar ends with the sequence).</summary>
    public IReadOnlyList<TokenWindow> Windows(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0) throw new ArgumentException("cannot score an empty token sequence", nameof(tokens));
        var tracker = CriticBarTracker.For(Vocabulary);
        foreach (int token in tokens) tracker.Add(token);
        if (tracker.BarStarts.Count == 0) return [new TokenWindow(Math.Max(0, tokens.Count - Critic.Config.ContextLength), tokens.Count)];
        return Enumerable.Range(0, tracker.BarStarts.Count).Select(bar => WindowOf(tracker.BarStarts, bar, tracker.BarEnd(bar))).ToArray();
    }

    /// <summary>Raw scores of windows of one sequence, batched; tokens outside the vocabulary are refused naming their index.</summary>
    public double[] ScoreWindows(IReadOnlyList<int> tokens, IReadOnlyList<TokenWindow> windows) =>
        windows.Count == 0 ? [] : Array.ConvertAll(Critic.ScoreWindows(tokens, windows, Options.BatchSize), s => (double)s);

    /// <summary>
    /// Raw score of the last bar's window of each sequence, all in one critic batch: how critic-guided sampling
    /// compares candidate continuations (see Training.CriticGuidance).
    /// </summary>
    public double[] ScoreLastBars(IReadOnlyList<IReadOnlyList<int>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var tokens = new List<int>();
        var windows = new List<TokenWindow>(sequences.Count);
        foreach (var sequence in sequences)
        {
            TokenWindow last = Windows(sequence)[^1];
            windows.Add(new TokenWindow(last.Start + tokens.Count, last.End + tokens.Count));
            tokens.AddRange(sequence);
        }
        return ScoreWindows(tokens, windows);
    }

    /// <summary>Raw score of every bar's window of a whole sequence.</summary>
    public double[] ScoreBars(IReadOnlyList<int> tokens) => ScoreWindows(tokens, Windows(tokens));
}
