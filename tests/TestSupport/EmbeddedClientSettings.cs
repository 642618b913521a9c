namespace MusicCluster.TestSupport;

/// <summary>
/// Configuration for one Client with an embedded silo on free ports and its own data folder, so tests can run
/// several side by side. Pass the same instance to a second host to "restart" over the same data.
/// </summary>
public sealed record EmbeddedClientSettings(string DataPath, int SiloPort, int GatewayPort)
{
    public static EmbeddedClientSettings CreateFresh()
    {
        int silo = FreePort.Next();
        return new EmbeddedClientSettings(RepositoryPaths.NewTempFolder("client-data"), silo, FreePort.Next());
    }

    public IReadOnlyDictionary<string, string?> ToConfiguration() => new Dictionary<string, string?>
    {
        ["Orleans:Mode"] = "Embedded",
        ["Cluster:Clustering"] = "Localhost",
        ["Cluster:SiloPort"] = SiloPort.ToString(),
        ["Cluster:GatewayPort"] = GatewayPort.ToString(),
        ["Cluster:PrimarySiloPort"] = SiloPort.ToString(),
        ["MusicCluster:DataPath"] = DataPath,
        // No starter library unless a test asks for one: generating it takes minutes of CPU.
        ["MusicCluster:Library:SeedCount"] = "0",
    };

    /// <summary>The same settings as environment variables (':' written as '__') for a Client started as a process.</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment() =>
        ToConfiguration().ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value!);
}
