using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Services;

/// <summary>Generation sessions, for the API, the hub and the pages. Remembers the newest session started here (the OBS overlay follows it).</summary>
public sealed class GenerationService(IClusterClient cluster, LatestSession latest, GenerationAdmission admission)
{
    /// <summary>
    /// Starts a session for a client at <paramref name="address"/>; ArgumentException (its message starts with the bad
    /// field) when the request is refused, <see cref="GenerationBusyException"/> when too many sessions are running.
    /// </summary>
    public async Task<GenerationSnapshot> StartAsync(GenerationRequest request, System.Net.IPAddress? address = null)
    {
        var id = Guid.NewGuid();
        if (await admission.TryAdmitAsync(id, address) is { } refusal) throw new GenerationBusyException(refusal, GenerationAdmission.RetryAfterSeconds);
        GenerationSnapshot snapshot;
        try
        {
            snapshot = await Session(id).StartAsync(request);
        }
        catch
        {
            admission.Release(id);
            throw;
        }
        latest.Set(id);
        return snapshot;
    }

    public Task<GenerationSnapshot?> GetAsync(Guid id) => Session(id).GetAsync();

    public Task CancelAsync(Guid id) => Session(id).CancelAsync();

    public Guid? Latest => latest.Id;

    private IGenerationSessionGrain Session(Guid id) => cluster.GetGrain<IGenerationSessionGrain>(id);
}

/// <summary>The newest session started through this web host.</summary>
public sealed class LatestSession
{
    private readonly object gate = new();
    private Guid? id;

    public Guid? Id
    {
        get { lock (gate) return id; }
    }

    public void Set(Guid value)
    {
        lock (gate) id = value;
    }
}

/// <summary>Too many generations running (this host's or one address's limit): try again after <see cref="RetryAfterSeconds"/>.</summary>
public sealed class GenerationBusyException(string message, int retryAfterSeconds) : Exception(message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
