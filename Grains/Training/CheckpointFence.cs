using System.Globalization;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Training;

/// <summary>A write by a trainer whose activation is no longer the run's newest (its silo was thought dead and the run moved on).</summary>
public sealed class StaleEpochException(string runId, long epoch, long current)
    : InvalidOperationException($"run {runId}: epoch {epoch} is stale (the run is now at epoch {current}); the write was refused")
{
    public long Epoch { get; } = epoch;
    public long CurrentEpoch { get; } = current;
}

/// <summary>
/// Fences a run's writes by epoch. Every activation of a run takes a new epoch (kept in grain state) and writes it
/// to <c>runs/{id}/epoch</c> before it trains; a trainer checks that blob before each checkpoint and log write and
/// refuses to write when a newer epoch owns the run. So a trainer left running on a silo the cluster declared dead
/// cannot overwrite what the run's new activation wrote.
/// </summary>
public sealed class CheckpointFence(IBlobStore store, string runId, long epoch)
{
    public long Epoch => epoch;

    public static string BlobOf(string runId) => BlobName.Validate($"runs/{runId}/epoch");

    /// <summary>Claims the run for this epoch (the activation does this before starting a trainer). A lower epoch never replaces a higher one.</summary>
    public async Task ClaimAsync(CancellationToken cancellationToken = default)
    {
        long current = await CurrentAsync(cancellationToken);
        if (current > epoch) throw new StaleEpochException(runId, epoch, current);
        await store.WriteTextAsync(BlobOf(runId), epoch.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Throws <see cref="StaleEpochException"/> unless this epoch still owns the run.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        long current = await CurrentAsync(cancellationToken);
        if (current != epoch) throw new StaleEpochException(runId, epoch, current);
    }

    private async Task<long> CurrentAsync(CancellationToken cancellationToken)
    {
        string name = BlobOf(runId);
        if (await store.GetInfoAsync(name, cancellationToken) is null) return 0;
        string text = (await store.ReadAllTextAsync(name, cancellationToken)).Trim();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new InvalidOperationException($"{name} holds '{text}', not an epoch number");
    }
}
