namespace MusicCluster.Music.Models;

/// <summary>
/// Floating-point operations of the generator, for model FLOP utilisation (achieved FLOP/s over the machine's
/// measured matmul FLOP/s). Counts matrix products only (2 FLOPs per multiply-add), as MFU figures customarily do:
/// norms, softmax, GELU, rotary positions and the optimizer are left out. Attention is counted over the whole
/// sequence length, without the saving a causal mask allows (the PaLM convention). Backward is twice forward.
/// </summary>
public static class TransformerFlops
{
    /// <summary>Forward FLOPs for one token of a sequence of <paramref name="sequenceLength"/> tokens.</summary>
    public static double ForwardFlopsPerToken(TransformerConfig config, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        double width = config.ModelWidth;
        double projections = 2 * (3 * width * width + width * width);       // queries, keys, values; output
        double attention = 2 * 2 * sequenceLength * width;                   // q k^T and weights x v, all heads
        double feedForward = 2 * 2 * width * config.FeedForwardWidth;        // expand and contract
        double outputHead = 2 * width * config.VocabSize;                    // logits (the embedding is a lookup)
        return config.Layers * (projections + attention + feedForward) + outputHead;
    }

    /// <summary>Forward plus backward FLOPs for one token in training.</summary>
    public static double TrainingFlopsPerToken(TransformerConfig config, int sequenceLength) =>
        3 * ForwardFlopsPerToken(config, sequenceLength);

    /// <summary>Forward plus backward FLOPs of one training step over <paramref name="batchSize"/> sequences.</summary>
    public static double TrainingStepFlops(TransformerConfig config, int batchSize, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return (double)batchSize * sequenceLength * TrainingFlopsPerToken(config, sequenceLength);
    }
}
