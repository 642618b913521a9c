using System.Text.Json.Serialization;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MusicCluster.Client.Endpoints;
using MusicCluster.Client.Hubs;
using MusicCluster.Client.Services;
using MusicCluster.Hosting;
using MusicCluster.Hosting.Admin;
using Orleans.Dashboard;

namespace MusicCluster.Client.Hosting;

/// <summary>ASP.NET wiring: Razor Pages, problem details, OpenAPI, health checks, the services pages use.</summary>
internal static class WebHosting
{
    public static WebApplicationBuilder AddMusicClusterWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();
        builder.Services.AddProblemDetails();
        builder.Services.AddProblemHandlers();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(LiveUpdateSettings.From(builder.Configuration));
        builder.Services.AddScoped<ClusterService>();
        builder.Services.AddScoped<LibraryService>();
        builder.Services.AddScoped<TrainingService>();
        builder.Services.AddScoped<ModelsService>();
        builder.Services.AddSingleton<TrainingLiveRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TrainingLiveRelay>());
        builder.AddMusicClusterAuth();
        builder.Services.AddSingleton(SiteSettings.From(builder.Configuration));
        builder.Services.AddSingleton(RequestBodyLimits.From(builder.Configuration));
        builder.Services.AddSingleton(GenerationLimits.From(builder.Configuration));
        builder.Services.AddSingleton<LatestSession>();
        builder.Services.AddScoped<GenerationService>();
        builder.Services.AddSingleton<GenerationAdmission>();
        builder.Services.AddScoped<ScoringService>();
        builder.Services.AddSingleton<GenerationRelay>();
        builder.Services.AddSingleton<StatusRelays>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StatusRelays>());
        // Enums travel as names (status "Running", not 1) in the API and the hubs alike.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    public static WebApplication UseMusicClusterWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBrowserSafety();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = RevalidateScripts });
        app.UseRouting();
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// The pages' modules import each other by plain URL (only the page's own script tag carries asp-append-version's
    /// hash), so a browser must ask again after a deploy rather than keep a copy by heuristic: wwwroot/js answers with
    /// <c>Cache-Control: no-cache</c> (a 304 when unchanged, by ETag and Last-Modified).
    /// </summary>
    private static void RevalidateScripts(StaticFileResponseContext file)
    {
        if (file.Context.Request.Path.StartsWithSegments("/js")) file.Context.Response.Headers.CacheControl = "no-cache";
    }

    public static WebApplication MapMusicClusterEndpoints(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        app.MapClusterEndpoints();
        app.MapPiecesEndpoints();
        app.MapGenerationEndpoints();
        app.MapRewritingEndpoints();
        app.MapScoringEndpoints();
        app.MapInferenceEndpoints();
        app.MapHub<GenerationHub>("/hubs/generation");
        app.MapTrainingEndpoints();
        app.MapSweepEndpoints();
        app.MapModelsEndpoints();
        app.MapHub<TrainingHub>("/hubs/training");
        app.MapHub<StatusHub>("/hubs/status");
        app.MapLibraryEndpoints();
        if (OrleansHosting.ModeOf(app.Configuration) == OrleansMode.Embedded)
            app.MapOrleansDashboard(AdminDashboard.Prefix).RequireAuthorization(AuthHosting.AdminPolicy);
        app.MapRazorPages();
        return app;
    }
}
