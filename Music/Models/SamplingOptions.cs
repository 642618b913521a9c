namespace MusicCluster.Music.Models;

/// <summary>How <see cref="Sampler"/> picks tokens. Every field is checked by <see cref="Validate"/>.</summary>
public sealed record SamplingOptions
{
    public const int MaxTokensLimit = 1 << 20;

    /// <summary>Divides the logits: below 1 sharper, above 1 flatter; 0 means always take the most likely token.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Only the K most likely (allowed) tokens can be drawn; null for no limit. 1 is greedy decoding.</summary>
    public int? TopK { get; init; }

    /// <summary>Nucleus sampling: only the most likely tokens whose probabilities add up to P can be drawn; null or 1 for all.</summary>
    public double? TopP { get; init; }

    /// <summary>Same seed, same model, same primer and options: the same tokens, on any run.</summary>
    public long Seed { get; init; }

    /// <summary>Most tokens to add after the primer.</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>Tokens that end a sequence once sampled (the stop token is kept as its last token).</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [];

    /// <summary>Reuse keys and values of earlier positions (fast); false recomputes the whole window every step. Both give the same tokens.</summary>
    public bool UseKvCache { get; init; } = true;

    public IReadOnlyList<ConfigFieldError> Validate(int vocabSize)
    {
        var errors = new List<ConfigFieldError>();
        if (!double.IsFinite(Temperature) || Temperature < 0)
            errors.Add(new("temperature", $"must be a finite number >= 0, got {Temperature}"));
        if (TopK is int k && k < 1)
            errors.Add(new("topK", $"must be at least 1, got {k}"));
        if (TopP is double p && !(p > 0 && p <= 1))
            errors.Add(new("topP", $"must be in (0, 1], got {p}"));
        if (MaxNewTokens < 0 || MaxNewTokens > MaxTokensLimit)
            errors.Add(new("maxNewTokens", $"must be in [0, {MaxTokensLimit}], got {MaxNewTokens}"));
        foreach (int stop in StopTokens)
            if (stop < 0 || stop >= vocabSize)
                errors.Add(new("stopTokens", $"token {stop} is outside the vocabulary [0, {vocabSize})"));
        return errors;
    }

    public SamplingOptions EnsureValid(int vocabSize)
    {
        var errors = Validate(vocabSize);
        if (errors.Count > 0) throw new InvalidConfigException("sampling options", errors);
        return this;
    }
}
