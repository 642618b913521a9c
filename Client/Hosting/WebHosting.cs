using MusicCluster.Client.Endpoints;
using MusicCluster.Client.Services;
using Orleans.Dashboard;

namespace MusicCluster.Client.Hosting;

/// <summary>ASP.NET wiring: Razor Pages, problem details, OpenAPI, health checks, the services pages use.</summary>
internal static class WebHosting
{
    public static WebApplicationBuilder AddMusicClusterWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<ClusterService>();
        builder.Services.AddScoped<LibraryService>();
        builder.Services.AddSingleton(SiteSettings.From(builder.Configuration));
        return builder;
    }

    public static WebApplication UseMusicClusterWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseRouting();
        return app;
    }

    public static WebApplication MapMusicClusterEndpoints(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        app.MapClusterEndpoints();
        app.MapPiecesEndpoints();
        app.MapLibraryEndpoints();
        if (OrleansHosting.ModeOf(app.Configuration) == OrleansMode.Embedded)
            app.MapOrleansDashboard("/dashboard");
        app.MapRazorPages();
        return app;
    }
}
