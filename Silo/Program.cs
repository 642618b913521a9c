using MusicCluster.Grains.Hosting;

// A standalone silo. Configuration: appsettings.json, environment variables (Cluster__SiloPort=11112 ...), arguments.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddMusicClusterSilo(builder.Configuration));
// SIGTERM / Ctrl-C: give the silo time to leave the cluster (and, later, checkpoint its training runs).
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(60));
return await builder.Build().RunUntilStoppedAsync();
