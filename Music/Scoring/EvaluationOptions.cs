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

    /// <summary>Pieces to generate; null: as many as the real pieces used (the split, capped by <see cref="MaxPieces"/>).</summary>
    public int? GeneratedPieces { get; init; }

    /// <summary>Bars per generated piece, sampled under the tokenizer's grammar constraint (see <see cref="Training.PieceGeneration"/>).</summary>
    public int GeneratedBars { get; init; } = 12;

    public int GenerationBatchSize { get; init; } = 8;

    /// <summary>Critic-guided sampling of the generated pieces: the best of this many continuations per bar (1 = plain, batched).</summary>
    public int Candidates { get; init; } = Training.CriticGuidance.DefaultCandidates;

    /// <summary>The rules a grid (chorale) model samples under; null: the default (ranges and voice leading).</summary>
    public Tokens.ChoraleRules? Chorale { get; init; }

    /// <summary>Temperature, top-k/p and seed of generation (the token limit follows from <see cref="GeneratedBars"/>).</summary>
    public SamplingOptions Sampling { get; init; } = new() { Seed = 1 };

    public EvaluationOptions EnsureValid()
    {
        if (Split is not (DatasetSplits.Valid or DatasetSplits.Test or DatasetSplits.Train))
            throw new ArgumentException($"split must be valid, test or train, not '{Split}'", nameof(Split));
        if (NllBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(NllBatchSize), NllBatchSize, "nllBatchSize must be >= 1");
        if (GenerationBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(GenerationBatchSize), GenerationBatchSize, "generationBatchSize must be >= 1");
        if (MaxPieces is < 1) throw new ArgumentOutOfRangeException(nameof(MaxPieces), MaxPieces, "maxPieces must be >= 1");
        if (GeneratedPieces is < 1) throw new ArgumentOutOfRangeException(nameof(GeneratedPieces), GeneratedPieces, "generatedPieces must be >= 1");
        if (GeneratedBars < 1) throw new ArgumentOutOfRangeException(nameof(GeneratedBars), GeneratedBars, "generatedBars must be >= 1");
        Training.CriticGuidance.CheckCandidates(Candidates);
        return this;
    }
}
