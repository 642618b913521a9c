namespace MusicCluster.Grains.Interfaces.Installation;

/// <summary>
/// The identity of this MusicCluster installation (one per cluster, key 0): created on first start, kept in grain
/// storage, and counted up at every start of a host, so a restart visibly finds the state written before.
/// </summary>
public interface IInstallationGrain : IGrainWithIntegerKey
{
    /// <summary>Records one start of a host and returns the installation as it now stands.</summary>
    Task<InstallationInfo> RecordStartAsync(string hostName);

    Task<InstallationInfo> GetAsync();
}

[GenerateSerializer, Immutable]
public sealed record InstallationInfo(
    [property: Id(0)] Guid InstallationId,
    [property: Id(1)] DateTimeOffset FirstStartedAt,
    [property: Id(2)] DateTimeOffset LastStartedAt,
    [property: Id(3)] int StartCount,
    [property: Id(4)] string LastHostName);
