using MusicCluster.Client.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMusicClusterOrleans();
builder.AddMusicClusterWeb();

var app = builder.Build();
app.UseMusicClusterWeb();
app.MapMusicClusterEndpoints();
app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
