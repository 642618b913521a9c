using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Admin;

namespace MusicCluster.Grains.Admin;

[GenerateSerializer]
public sealed class AdminCredentialsState
{
    [Id(0)] public string? PasswordHash { get; set; }
}

public sealed class AdminCredentialsGrain(
    [PersistentState("adminCredentials", StorageNames.GrainState)] IPersistentState<AdminCredentialsState> state) : Grain, IAdminCredentialsGrain
{
    public Task<string?> GetPasswordHashAsync() => Task.FromResult(state.State.PasswordHash);

    public async Task<string> InitializeAsync(string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        if (state.State.PasswordHash is { } stored) return stored;
        state.State.PasswordHash = passwordHash;
        await state.WriteStateAsync();
        return passwordHash;
    }
}
