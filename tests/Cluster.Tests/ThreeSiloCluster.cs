using static MusicCluster.Cluster.Tests.TrainingFailoverTests;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// The training tests' cluster: a primary that takes no runs (it holds localhost clustering's membership and is never
/// killed), an accelerator silo and a CPU silo, all real Silo processes over one data folder, and a Client process in
/// client mode signed in as the admin. Disposing stops the client, then every silo still running (SIGTERM).
/// </summary>
internal sealed class ThreeSiloCluster : IAsyncDisposable
{
    private ThreeSiloCluster(SiloProcess[] silos) => Silos = silos;

    public SiloProcess[] Silos { get; }

    public SiloProcess Primary => Silos[0];
    public SiloProcess Gpu => Silos[1];
    public SiloProcess Cpu => Silos[2];

    public ProcessHost? Client { get; private set; }

    public HttpClient Web { get; private set; } = null!;

    private string clusterId = "", data = "";

    /// <summary>Starts one more silo that joins this cluster (it trains: MaxRuns 1, no accelerator).</summary>
    public async Task<SiloProcess> AddSiloAsync(string name)
    {
        var added = new SiloProcess(name, FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 0);
        extra.Add(added);
        await StartAllAsync([added], clusterId, data, primaryPort: Primary.SiloPort);
        return added;
    }

    private readonly List<SiloProcess> extra = [];

    /// <summary>Starts the three silos (training slots each as given) and the client; a failed start still cleans up.</summary>
    public static async Task<ThreeSiloCluster> StartAsync(string dataFolderName, int gpuRuns = 1, int cpuRuns = 1)
    {
        string data = RepositoryPaths.NewTempFolder(dataFolderName);
        string clusterId = $"test-{Guid.NewGuid():N}";
        var cluster = new ThreeSiloCluster(
        [
            new SiloProcess("primary", FreePort.Next(), FreePort.Next(), MaxRuns: 0, Accelerators: 0),
            new SiloProcess("gpu", FreePort.Next(), FreePort.Next(), MaxRuns: gpuRuns, Accelerators: 1),
            new SiloProcess("cpu", FreePort.Next(), FreePort.Next(), MaxRuns: cpuRuns, Accelerators: 0),
        ]);
        try
        {
            int http = FreePort.Next();
            await StartAllAsync(cluster.Silos, clusterId, data);
            cluster.Client = await StartClientAsync(cluster.Silos, clusterId, data, http);
            cluster.Web = await SignInAsync(http);
            cluster.clusterId = clusterId;
            cluster.data = data;
            // The first ask for the datasets writes the synthetic demo corpus (seconds of CPU, a minute on a loaded machine):
            // done here, by a read that can be asked again, so no run start waits on it past the client's call timeout.
            await Poll.UntilAsync(async () =>
            {
                try { return await cluster.Web.GetStringAsync("/api/training-datasets"); }
                catch (HttpRequestException e) { return e.Message; }
            }, text => text.Contains("\"synthetic-demo\"", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "the synthetic demo dataset is listed");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        (Web as IDisposable)?.Dispose();
        if (Client is not null) { await Client.TerminateAsync(TimeSpan.FromSeconds(60)); await Client.DisposeAsync(); }
        foreach (var silo in extra.AsEnumerable().Reverse().Concat(Silos.Reverse()))
            if (silo.Host is not null) { if (!silo.Host.HasExited) await silo.Host.TerminateAsync(TimeSpan.FromSeconds(90)); await silo.Host.DisposeAsync(); }
    }
}
