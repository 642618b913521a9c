using MusicCluster.Client.Hosting;
using MusicCluster.Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMusicClusterOrleans();
builder.AddMusicClusterWeb();

var app = builder.Build();
app.UseMusicClusterWeb();
app.MapMusicClusterEndpoints();
return await app.RunUntilStoppedAsync();

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
