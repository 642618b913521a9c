namespace MusicCluster.Music.Tokens;

/// <summary>Rebuilds the tokenizer of a stored vocabulary (from a checkpoint or a dataset manifest).</summary>
public static class TokenizerFactory
{
    /// <summary>The tokenizer whose vocabulary is exactly <paramref name="vocabulary"/>; throws when this build has
    /// no such tokenizer or builds a different vocabulary from the same settings (a changed tokenizer).</summary>
    public static ITokenizer FromVocabulary(Vocabulary vocabulary)
    {
        ITokenizer tokenizer;
        try
        {
            tokenizer = vocabulary.Kind switch
            {
                EventVocabulary.Kind => new EventTokenizer(new EventTokenizerSettings(
                    Setting(vocabulary, "stepsPerQuarter"), Setting(vocabulary, "ticksPerQuarter"))),
                JsbGridTokenizer.Kind => new JsbGridTokenizer(),
                JsbHarmonyTokenizer.Kind => new JsbHarmonyTokenizer(),
                _ => throw new InvalidVocabularyException($"No tokenizer of kind '{vocabulary.Kind}' in this build"),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidVocabularyException($"Vocabulary {vocabulary.Version} has settings this build cannot use: {e.Message}", e);
        }
        if (!tokenizer.Vocabulary.SameAs(vocabulary))
            throw new InvalidVocabularyException(
                $"Vocabulary {vocabulary.Version} is not the one this build's {vocabulary.Kind} tokenizer makes ({tokenizer.Vocabulary.Version})");
        return tokenizer;
    }

    private static int Setting(Vocabulary vocabulary, string name) =>
        vocabulary.Settings.TryGetValue(name, out int value) ? value : throw new InvalidVocabularyException($"Vocabulary {vocabulary.Version} lacks setting '{name}'");
}
