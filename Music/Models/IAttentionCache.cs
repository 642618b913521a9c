using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>Where an attention layer keeps the keys and values of earlier positions during incremental decoding.</summary>
internal interface IAttentionCache
{
    /// <summary>Stores this step's keys and values [batch, heads, n, headWidth]; returns the keys and values each query may see.</summary>
    (Tensor Keys, Tensor Values) Write(int layer, Tensor newKeys, Tensor newValues);
}
