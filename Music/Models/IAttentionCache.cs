using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>Where an attention layer keeps the keys and values of earlier positions during incremental decoding.</summary>
internal interface IAttentionCache
{
    /// <summary>Stores this step's keys and values [batch, heads, n, headWidth]; returns the keys and values each query may see.</summary>
    (Tensor Keys, Tensor Values) Write(int layer, Tensor newKeys, Tensor newValues);

    /// <summary>The queries laid out as the batch rows of the keys <see cref="Write"/> returned (a slot cache's rows are its slots).</summary>
    Tensor QueriesFor(Tensor query) => query;

    /// <summary>Attention output back in the step's own row order (the inverse of <see cref="QueriesFor"/>).</summary>
    Tensor RowsOf(Tensor attended) => attended;
}
