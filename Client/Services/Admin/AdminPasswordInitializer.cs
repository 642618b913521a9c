using MusicCluster.Grains.Interfaces.Admin;
using MusicCluster.Hosting.Admin;

namespace MusicCluster.Client.Services.Admin;

/// <summary>
/// At start, when no admin password is configured and none was generated before, generates one, stores its hash
/// and prints the password once (log and console); later starts find the hash and print nothing.
/// </summary>
public sealed class AdminPasswordInitializer(IClusterClient cluster, AdminCredentials credentials, ILogger<AdminPasswordInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (credentials.IsConfigured) return;
        string password = AdminPasswordHasher.Generate();
        string hash = AdminPasswordHasher.Hash(password);
        string stored = await cluster.GetGrain<IAdminCredentialsGrain>(0).InitializeAsync(hash).WaitAsync(cancellationToken);
        if (stored != hash) return;
        logger.LogWarning("Generated the admin password (shown only this once; set {Key} to choose your own): {Password}", AdminCredentials.ConfigurationKey, password);
        Console.WriteLine($"MusicCluster admin password (shown only this once): {password}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
