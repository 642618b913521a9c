using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Installation;

namespace MusicCluster.Grains.Installation;

[GenerateSerializer]
public sealed record InstallationState
{
    [Id(0)] public Guid InstallationId { get; init; }
    [Id(1)] public DateTimeOffset FirstStartedAt { get; init; }
    [Id(2)] public DateTimeOffset LastStartedAt { get; init; }
    [Id(3)] public int StartCount { get; init; }
    [Id(4)] public string LastHostName { get; init; } = "";
}

public sealed class InstallationGrain(
    [PersistentState("installation", StorageNames.GrainState)] IPersistentState<InstallationState> state,
    TimeProvider clock) : Grain, IInstallationGrain
{
    public async Task<InstallationInfo> RecordStartAsync(string hostName)
    {
        DateTimeOffset now = clock.GetUtcNow();
        InstallationState current = state.State;
        state.State = current.InstallationId == Guid.Empty
            ? new InstallationState { InstallationId = Guid.NewGuid(), FirstStartedAt = now, LastStartedAt = now, StartCount = 1, LastHostName = hostName }
            : current with { LastStartedAt = now, StartCount = current.StartCount + 1, LastHostName = hostName };
        await state.WriteStateAsync();
        return ToInfo(state.State);
    }

    public Task<InstallationInfo> GetAsync() => Task.FromResult(ToInfo(state.State));

    private static InstallationInfo ToInfo(InstallationState s) =>
        new(s.InstallationId, s.FirstStartedAt, s.LastStartedAt, s.StartCount, s.LastHostName);
}
