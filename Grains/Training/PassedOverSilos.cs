namespace MusicCluster.Grains.Training;

/// <summary>
/// The silos a data-parallel run asked for a worker that Orleans placed elsewhere, each passed over for
/// <see cref="For"/> after its refusal and then asked again. Orleans passes over a placement hint to a silo it does not
/// count as a place for the grain right now, while the membership lists that silo as active: one just killed, before
/// the others declare it dead (it will leave the membership), and one that just joined, before the grain types it hosts
/// reach this silo (it will take workers in seconds). Passing over for a while lets the run try the next silo
/// meanwhile; never asking again would leave a joining silo out of the run for good.
/// </summary>
internal sealed class PassedOverSilos(TimeProvider clock)
{
    public static readonly TimeSpan For = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, DateTimeOffset> refusedAt = new(StringComparer.Ordinal);

    public void Refused(string silo) => refusedAt[silo] = clock.GetUtcNow();

    /// <summary>Whether the silo refused a worker less than <see cref="For"/> ago.</summary>
    public bool Contains(string silo) => refusedAt.TryGetValue(silo, out DateTimeOffset at) && clock.GetUtcNow() - at < For;
}
