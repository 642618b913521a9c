using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Token sequences a critic must score below real music: uniformly random tokens, and a real piece with its bars
/// in a random order (every bar is real, their order is not). For training test critics and for checking that
/// scoring orders what it should.
/// </summary>
public static class CriticNegatives
{
    public static int[] RandomTokens(int length, int vocabularySize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        var tokens = new int[length];
        for (int i = 0; i < length; i++) tokens[i] = random.Next(vocabularySize);
        return tokens;
    }

    /// <summary>
    /// The same tokens with whole bars permuted (the header before the first bar stays first; for event tokens a
    /// trailing &lt;eos&gt; stays last). The permutation moves at least one bar when the piece has two or more.
    /// </summary>
    public static int[] ShuffleBars(IReadOnlyList<int> tokens, Vocabulary vocabulary, Random random)
    {
        var starts = CriticBarTracker.FindBars(vocabulary, tokens);
        int end = tokens.Count;
        bool keepsEnd = vocabulary.Kind == EventVocabulary.Kind && end > 0 && tokens[end - 1] == EventVocabulary.EndId;
        if (keepsEnd) end--;
        if (starts.Count < 2 || starts[^1] >= end) return tokens.ToArray();
        var bars = starts.Select((start, i) => (Start: start, End: i + 1 < starts.Count ? starts[i + 1] : end)).ToArray();
        int[] order = Enumerable.Range(0, bars.Length).ToArray();
        do random.Shuffle(order); while (order.Select((o, i) => o == i).All(same => same));
        var shuffled = new List<int>(tokens.Count);
        for (int i = 0; i < starts[0]; i++) shuffled.Add(tokens[i]);
        foreach (int bar in order)
            for (int i = bars[bar].Start; i < bars[bar].End; i++) shuffled.Add(tokens[i]);
        if (keepsEnd) shuffled.Add(EventVocabulary.EndId);
        return shuffled.ToArray();
    }
}
