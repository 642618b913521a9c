using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// What every attention layer of one forward pass shares: rotary tables for the positions in this pass, the mask
/// (or the causal flag when the plain lower-triangular mask applies), and the KV cache when sampling incrementally.
/// <paramref name="TwiceDifferentiable"/> asks for attention written out in plain tensor operations: libtorch's
/// fused CPU attention kernel has no derivative of its backward pass, which the critic's gradient penalty needs.
/// </summary>
internal sealed record AttentionContext(Tensor Cos, Tensor Sin, Tensor? Mask, bool Causal, IAttentionCache? Cache, bool TwiceDifferentiable = false);
