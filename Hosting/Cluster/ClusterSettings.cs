using Microsoft.Extensions.Configuration;

namespace MusicCluster.Hosting;

public enum ClusteringKind { Localhost, AzureTable, Redis }

public enum GrainStorageKind { Local, AzureBlob }

/// <summary>
/// How silos and clients form a cluster, shared by the Silo host and the Client in both modes. Orleans:ClusterId and
/// Orleans:ServiceId are Orleans' own keys; the rest lives in section "Cluster" because Orleans interprets
/// Orleans:Clustering and Orleans:GrainStorage itself. Invalid values fail at start with the key named.
/// </summary>
public sealed record ClusterSettings
{
    public const string SectionName = "Cluster";

    public string ClusterId { get; init; } = "musiccluster";
    public string ServiceId { get; init; } = "musiccluster";
    public ClusteringKind Clustering { get; init; } = ClusteringKind.Localhost;
    /// <summary>Azure Table or Redis connection string for clustering (never logged).</summary>
    public string? ConnectionString { get; init; }
    /// <summary>Non-localhost clustering: the IP this silo advertises to others (default: this host's address).</summary>
    public string? AdvertisedIP { get; init; }
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Localhost clustering: the silo port of the primary silo that others join.</summary>
    public int PrimarySiloPort { get; init; } = 11111;
    /// <summary>Localhost clustering, client side: the gateways to try.</summary>
    public IReadOnlyList<int> GatewayPorts { get; init; } = [30000];
    public GrainStorageKind GrainStorage { get; init; } = GrainStorageKind.Local;
    public string? GrainStorageConnectionString { get; init; }
    /// <summary>
    /// The silo runs in a Kubernetes pod (deploy/k8s sets it): the standalone Silo then adds Orleans' Kubernetes
    /// hosting. Off by default, so nothing changes outside Kubernetes.
    /// </summary>
    public bool Kubernetes { get; init; }

    public static ClusterSettings FromConfiguration(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(SectionName);
        var defaults = new ClusterSettings();
        return new ClusterSettings
        {
            ClusterId = configuration["Orleans:ClusterId"] is { Length: > 0 } clusterId ? clusterId : defaults.ClusterId,
            ServiceId = configuration["Orleans:ServiceId"] is { Length: > 0 } serviceId ? serviceId : defaults.ServiceId,
            Clustering = ParseEnum(section, "Clustering", defaults.Clustering),
            ConnectionString = section["ConnectionString"],
            AdvertisedIP = section["AdvertisedIP"] is { Length: > 0 } ip
                ? (System.Net.IPAddress.TryParse(ip, out _) ? ip : throw new InvalidOperationException($"{SectionName}:AdvertisedIP '{ip}' is not an IP address"))
                : null,
            SiloPort = ParsePort(section, "SiloPort", defaults.SiloPort),
            GatewayPort = ParsePort(section, "GatewayPort", defaults.GatewayPort),
            PrimarySiloPort = ParsePort(section, "PrimarySiloPort", defaults.PrimarySiloPort),
            GatewayPorts = section["GatewayPorts"] is { Length: > 0 } ports
                ? ports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => ParsePortValue($"{SectionName}:GatewayPorts", p)).ToList()
                : defaults.GatewayPorts,
            GrainStorage = ParseEnum(section, "GrainStorage", defaults.GrainStorage),
            GrainStorageConnectionString = section["GrainStorageConnectionString"] ?? configuration["MusicCluster:Storage:AzureConnectionString"],
            Kubernetes = ParseBool(section, "Kubernetes", defaults.Kubernetes),
        };
    }

    /// <summary>A connection string that must be set for the chosen kind, with the key named when it is not.</summary>
    public string RequireConnectionString(string? value, string key, string why) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"{key} must be set: {why}") : value;

    private static T ParseEnum<T>(IConfigurationSection section, string key, T fallback) where T : struct, Enum
    {
        string? value = section[key];
        if (string.IsNullOrEmpty(value)) return fallback;
        return Enum.TryParse(value, ignoreCase: true, out T parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"{SectionName}:{key} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static bool ParseBool(IConfigurationSection section, string key, bool fallback)
    {
        string? value = section[key];
        if (string.IsNullOrEmpty(value)) return fallback;
        return bool.TryParse(value, out bool parsed) ? parsed : throw new InvalidOperationException($"{SectionName}:{key} '{value}' is not true or false");
    }

    private static int ParsePort(IConfigurationSection section, string key, int fallback) =>
        section[key] is { Length: > 0 } value ? ParsePortValue($"{SectionName}:{key}", value) : fallback;

    private static int ParsePortValue(string key, string value) =>
        int.TryParse(value, out int port) && port is > 0 and < 65536 ? port : throw new InvalidOperationException($"{key} '{value}' is not a TCP port (1-65535)");
}
