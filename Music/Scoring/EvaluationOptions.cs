using MusicCluster.Music.Data;
using MusicCluster.Music.Models;

namespace MusicCluster.Music.Scoring;

/// <summary>What <see cref="EvaluationRunner"/> measures and how.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The dataset split to evaluate on: valid or test.</summary>
    public string Split { get; init; } = DatasetSplits.Valid;

    /// <summary>NLL window stride in tokens; null: the generator's context length (no overlap). See <see cref="EvaluationNll"/>.</summary>
    public int? NllStride { get; init; }

    public int NllBatchSize { get; init; } = 8;

    /// <summary>Most real pieces used for the critic AUC and the objective metrics (the NLL always covers the whole split); null: all.</summary>
    public int? MaxPieces { get; init; }

    /// <summary>Tokens to sample per generated piece; null: the median length of the split's pieces.</summary>
    public int? GeneratedTokens { get; init; }

    public int GenerationBatchSize { get; init; } = 8;

    /// <summary>Temperature, top-k/p and seed of generation (MaxNewTokens and StopTokens are set by the runner).</summary>
    public SamplingOptions Sampling { get; init; } = new() { Seed = 1 };

    /// <summary>Makes the grammar constraint of one generated sequence (e.g. the tokenizer's), so that samples
    /// decode to pieces; null samples freely (undecodable samples are counted and left out of the metrics).</summary>
    public Func<ITokenConstraint>? Constraint { get; init; }

    public EvaluationOptions EnsureValid()
    {
        if (Split is not (DatasetSplits.Valid or DatasetSplits.Test or DatasetSplits.Train))
            throw new ArgumentException($"split must be valid, test or train, not '{Split}'", nameof(Split));
        if (NllBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(NllBatchSize), NllBatchSize, "nllBatchSize must be >= 1");
        if (GenerationBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(GenerationBatchSize), GenerationBatchSize, "generationBatchSize must be >= 1");
        if (MaxPieces is < 1) throw new ArgumentOutOfRangeException(nameof(MaxPieces), MaxPieces, "maxPieces must be >= 1");
        if (GeneratedTokens is < 1 or > SamplingOptions.MaxTokensLimit)
            throw new ArgumentOutOfRangeException(nameof(GeneratedTokens), GeneratedTokens, $"generatedTokens must be in [1, {SamplingOptions.MaxTokensLimit}]");
        return this;
    }
}
