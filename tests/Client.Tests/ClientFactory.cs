using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MusicCluster.Client.Tests;

/// <summary>The real Client (embedded silo, local folder storage) in memory, on its own ports and data folder.</summary>
public sealed class ClientFactory(EmbeddedClientSettings settings, IReadOnlyDictionary<string, string?>? extra = null)
    : WebApplicationFactory<Program>
{
    public EmbeddedClientSettings Settings => settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not ConfigureAppConfiguration: Program reads these while building, before app configuration
        // added by the factory would apply.
        foreach (var (key, value) in settings.ToConfiguration().Concat(extra ?? new Dictionary<string, string?>()))
            builder.UseSetting(key, value);
    }
}
