using MusicCluster.Client.Hosting;
using MusicCluster.Hosting;
using MusicCluster.Hosting.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddMusicClusterTelemetry("musiccluster-web");
builder.AddMusicClusterOrleans();
builder.AddMusicClusterWeb();

var app = builder.Build();
app.UseMusicClusterWeb();
app.MapMusicClusterEndpoints();
return await app.RunUntilStoppedAsync();

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
