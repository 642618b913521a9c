using MusicCluster.Grains.Hosting;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hosting;

/// <summary>Orleans:Mode "Embedded" (default): this process is a silo. "Client": it joins silos started elsewhere.</summary>
public enum OrleansMode { Embedded, Client }

internal static class OrleansHosting
{
    public static OrleansMode ModeOf(IConfiguration configuration)
    {
        string? mode = configuration["Orleans:Mode"];
        if (string.IsNullOrEmpty(mode)) return OrleansMode.Embedded;
        return Enum.TryParse(mode, ignoreCase: true, out OrleansMode parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"Orleans:Mode '{mode}' is not one of Embedded, Client");
    }

    public static WebApplicationBuilder AddMusicClusterOrleans(this WebApplicationBuilder builder)
    {
        IConfiguration configuration = builder.Configuration;
        if (ModeOf(configuration) == OrleansMode.Embedded)
            builder.UseOrleans(silo => silo.AddMusicClusterSilo(configuration));
        else
            builder.UseOrleansClient(client => client.AddMusicClusterClient(configuration));
        // Give the silo time to leave the cluster cleanly on Ctrl-C / SIGTERM.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}
