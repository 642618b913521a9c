using Microsoft.Extensions.Configuration;
using MusicCluster.Grains.Interfaces.Admin;

namespace MusicCluster.Hosting.Admin;

/// <summary>
/// Checks the admin password: MusicCluster:AdminPassword when configured (hashed in memory at start), else the hash
/// the installation generated at first start (kept in the cluster's grain state, so every web host shares it).
/// </summary>
public sealed class AdminCredentials(IClusterClient cluster, IConfiguration configuration)
{
    public const string ConfigurationKey = "MusicCluster:AdminPassword";

    private readonly string? configuredHash = configuration[ConfigurationKey] is { Length: > 0 } password ? AdminPasswordHasher.Hash(password) : null;
    private string? storedHash;

    public bool IsConfigured => configuredHash is not null;

    public async Task<bool> VerifyAsync(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > 200) return false;
        string? hash = configuredHash ?? (storedHash ??= await cluster.GetGrain<IAdminCredentialsGrain>(0).GetPasswordHashAsync());
        return hash is not null && AdminPasswordHasher.Verify(password, hash);
    }
}
