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
    /// The piece's opening settings stay at the opening: an event piece's first bar carries its time signature (and
    /// tempo and key at position 0) once for the whole piece, so they move to whichever bar comes first instead of
    /// travelling with their bar. Otherwise a critic could tell a shuffled piece by a time signature in its middle
    /// alone, without hearing the order of the music (measured: a critic fine-tuned on such shuffles ordered them
    /// at AUC 0.97, and the same pieces shuffled with the first bar kept in place at 0.54).
    /// </summary>
    public static int[] ShuffleBars(IReadOnlyList<int> tokens, Vocabulary vocabulary, Random random)
    {
        var starts = CriticBarTracker.FindBars(vocabulary, tokens);
        int end = tokens.Count;
        bool keepsEnd = vocabulary.Kind == EventVocabulary.Kind && end > 0 && tokens[end - 1] == EventVocabulary.EndId;
        if (keepsEnd) end--;
        if (starts.Count < 2 || starts[^1] >= end) return tokens.ToArray();
        var bars = starts.Select((start, i) => tokens.Skip(start).Take((i + 1 < starts.Count ? starts[i + 1] : end) - start).ToList()).ToArray();
        var opening = vocabulary.Kind == EventVocabulary.Kind ? TakeOpeningSettings(bars[0], vocabulary) : new OpeningSettings([], []);
        int[] order = Enumerable.Range(0, bars.Length).ToArray();
        do random.Shuffle(order); while (order.Select((o, i) => o == i).All(same => same));
        var shuffled = new List<int>(tokens.Count);
        for (int i = 0; i < starts[0]; i++) shuffled.Add(tokens[i]);
        for (int i = 0; i < order.Length; i++)
        {
            var bar = bars[order[i]];
            if (i == 0) GiveOpeningSettings(bar, opening, vocabulary);
            shuffled.AddRange(bar);
        }
        if (keepsEnd) shuffled.Add(EventVocabulary.EndId);
        return shuffled.ToArray();
    }

    /// <summary>The time signature right after the first Bar token, and the tempo and key right after its Position_0.</summary>
    private sealed record OpeningSettings(List<int> AfterBar, List<int> AtPositionZero);

    private static OpeningSettings TakeOpeningSettings(List<int> bar, Vocabulary vocabulary)
    {
        var afterBar = new List<int>();
        while (bar.Count > 1 && vocabulary.TokenOf(bar[1]).StartsWith("TimeSig_", StringComparison.Ordinal))
        {
            afterBar.Add(bar[1]);
            bar.RemoveAt(1);
        }
        var atZero = new List<int>();
        if (bar.Count > 1 && vocabulary.TokenOf(bar[1]) == "Position_0")
            while (bar.Count > 2 && vocabulary.TokenOf(bar[2]) is var name
                && (name.StartsWith("Tempo_", StringComparison.Ordinal) || name.StartsWith("Key_", StringComparison.Ordinal)))
            {
                atZero.Add(bar[2]);
                bar.RemoveAt(2);
            }
        return new OpeningSettings(afterBar, atZero);
    }

    private static void GiveOpeningSettings(List<int> bar, OpeningSettings opening, Vocabulary vocabulary)
    {
        if (opening.AtPositionZero.Count > 0)
        {
            if (bar.Count > 1 && vocabulary.TokenOf(bar[1]) == "Position_0") bar.InsertRange(2, opening.AtPositionZero);
            else bar.InsertRange(1, [vocabulary.IdOf("Position_0"), .. opening.AtPositionZero]);
        }
        bar.InsertRange(1, opening.AfterBar);
    }
}
