using MusicCluster.Hosting;

namespace MusicCluster.Client.Services;

/// <summary>
/// Limits of live generation through this web host, from section MusicCluster:Limits, read and checked once at start
/// (bad values fail at start naming the key): PendingGenerations (default 256: sessions running at once through this
/// host), PendingGenerationsPerAddress (default 16: from one client address) and WatchesPerConnection (default 32:
/// sessions one /hubs/generation connection watches at once).
/// </summary>
public sealed record GenerationLimits(
    int PendingGenerations = GenerationLimits.DefaultPendingGenerations,
    int PendingGenerationsPerAddress = GenerationLimits.DefaultPendingGenerationsPerAddress,
    int WatchesPerConnection = GenerationLimits.DefaultWatchesPerConnection)
{
    public const string Section = "MusicCluster:Limits";
    public const string PendingGenerationsKey = Section + ":PendingGenerations";
    public const string PendingGenerationsPerAddressKey = Section + ":PendingGenerationsPerAddress";
    public const string WatchesPerConnectionKey = Section + ":WatchesPerConnection";
    public const int DefaultPendingGenerations = 256, DefaultPendingGenerationsPerAddress = 16, DefaultWatchesPerConnection = 32;

    public static GenerationLimits From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        return new GenerationLimits(
            section.ReadInteger("PendingGenerations", DefaultPendingGenerations, 1, 1_000_000),
            section.ReadInteger("PendingGenerationsPerAddress", DefaultPendingGenerationsPerAddress, 1, 1_000_000),
            section.ReadInteger("WatchesPerConnection", DefaultWatchesPerConnection, 1, 100_000));
    }
}
