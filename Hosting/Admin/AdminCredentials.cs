using Microsoft.Extensions.Configuration;
using MusicCluster.Grains.Interfaces.Admin;
using Orleans.Runtime;

namespace MusicCluster.Hosting.Admin;

/// <summary>
/// Checks the admin password: MusicCluster:AdminPassword when configured (hashed in memory at start), else the hash
/// the installation generated at first start (kept in the cluster's grain state, so every web host shares it).
/// </summary>
public sealed class AdminCredentials(IClusterClient cluster, IConfiguration configuration)
{
    public const string ConfigurationKey = "MusicCluster:AdminPassword";

    /// <summary>How long reading the generated password's hash from the cluster may take before the sign-in gives up.</summary>
    public static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(10);

    private readonly string? configuredHash = configuration[ConfigurationKey] is { Length: > 0 } password ? AdminPasswordHasher.Hash(password) : null;
    private string? storedHash;

    public bool IsConfigured => configuredHash is not null;

    /// <summary>
    /// Whether <paramref name="password"/> is the admin password. Throws <see cref="AdminCredentialsUnavailableException"/>
    /// when no password is configured and the cluster, which keeps the generated one, cannot be asked (a host that joins
    /// the cluster as a client while the silos are down): that is neither a right nor a wrong password.
    /// </summary>
    public async Task<bool> VerifyAsync(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > 200) return false;
        string? hash = configuredHash ?? (storedHash ??= await StoredHashAsync());
        return hash is not null && AdminPasswordHasher.Verify(password, hash);
    }

    private async Task<string?> StoredHashAsync()
    {
        try
        {
            return await cluster.GetGrain<IAdminCredentialsGrain>(0).GetPasswordHashAsync().WaitAsync(ClusterTimeout);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            // Orleans reports an unreachable cluster in several ways: no gateway (OrleansMessageRejectionException), a
            // gateway gone mid-call (SiloUnavailableException), a client not connected (InvalidOperationException), or
            // no answer at all (the timeout above).
            throw new AdminCredentialsUnavailableException(
                $"The admin password cannot be checked: no password is configured here ({ConfigurationKey}) and the cluster, which keeps the " +
                $"generated one, cannot be reached ({e.GetType().Name}: {e.Message})", e);
        }
    }
}

/// <summary>The cluster that keeps the generated admin password cannot be reached, and no password is configured.</summary>
public sealed class AdminCredentialsUnavailableException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Seconds a sign-in refused for this is told to wait (Retry-After).</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>What a sign-in page shows (the exception's own message, for the log, names the Orleans error).</summary>
    public const string UserMessage =
        "The cluster cannot be reached, so the password cannot be checked: this host has no admin password of its own " +
        "(MusicCluster:AdminPassword) and the one the web app generated is kept in the cluster. Try again when the silos are up, " +
        "or give this host MusicCluster:AdminPassword.";
}
