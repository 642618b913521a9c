using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>Which tokenizer a dataset is written with.</summary>
public enum TokenizerChoice
{
    /// <summary><see cref="EventTokenizer"/>: any piece.</summary>
    Event,

    /// <summary><see cref="JsbGridTokenizer"/>: four monophonic voices on a 16th grid (JSB Chorales).</summary>
    Grid,

    /// <summary><see cref="JsbHarmonyTokenizer"/>: the JSB grid with the soprano a bar ahead, for a harmonisation model.</summary>
    Harmony,
}

/// <summary>How an import tokenizes and augments. Transposition copies are made for the train split only.</summary>
public sealed record ImportOptions
{
    public TokenizerChoice Tokenizer { get; init; } = TokenizerChoice.Event;

    /// <summary>Grid of the event tokenizer: 4 = 1/16, 12 = 1/48 (triplets).</summary>
    public int StepsPerQuarter { get; init; } = 4;

    public bool Augment { get; init; }

    /// <summary>Semitone shifts used when <see cref="Augment"/> is set (0, the original, is always kept).</summary>
    public IReadOnlyList<int> Transpositions { get; init; } = DefaultTranspositions;

    public long MaxTokensPerShard { get; init; } = DatasetWriter.DefaultMaxTokensPerShard;

    /// <summary>Files read and tokenized at once in a folder import (the output does not depend on it).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    public static IReadOnlyList<int> DefaultTranspositions { get; } = Enumerable.Range(-5, 12).Where(s => s != 0).ToArray();

    public ITokenizer CreateTokenizer() => Tokenizer switch
    {
        TokenizerChoice.Grid => new JsbGridTokenizer(),
        TokenizerChoice.Harmony => new JsbHarmonyTokenizer(),
        _ => new EventTokenizer(new EventTokenizerSettings(StepsPerQuarter)),
    };

    private bool OnGrid => Tokenizer is TokenizerChoice.Grid or TokenizerChoice.Harmony;

    /// <summary>The creation parameters recorded in the manifest.</summary>
    public Dictionary<string, string> Describe() => new()
    {
        ["tokenizer"] = CreateTokenizer().Vocabulary.Kind,
        ["stepsPerQuarter"] = (OnGrid ? 4 : StepsPerQuarter).ToString(),
        ["augment"] = Augment ? "true" : "false",
        ["transpositions"] = Augment ? string.Join(",", Transpositions) : "",
        ["augmentedSplits"] = Augment ? DatasetSplits.Train : "",
        ["maxTokensPerShard"] = MaxTokensPerShard.ToString(),
    };
}
