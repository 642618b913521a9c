using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Services;

/// <summary>Generation sessions, for the API, the hub and the pages. Remembers the newest session started here (the OBS overlay follows it).</summary>
public sealed class GenerationService(IClusterClient cluster, LatestSession latest)
{
    /// <summary>Starts a session; ArgumentException (its message starts with the bad field) when the request is refused.</summary>
    public async Task<GenerationSnapshot> StartAsync(GenerationRequest request)
    {
        var id = Guid.NewGuid();
        GenerationSnapshot snapshot = await Session(id).StartAsync(request);
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
