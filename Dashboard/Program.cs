using MusicCluster.Grains.Hosting;
using Orleans.Dashboard;

// The Orleans dashboard for a cluster of Silo processes: joins as a client (same Cluster:* settings as the Client)
// and serves the dashboard at /dashboard.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleansClient(client => client.AddMusicClusterClient(builder.Configuration).AddDashboard());
// /healthz: the process serves HTTP (the container health check and Kubernetes probes of deploy/ ask it).
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapGet("/", () => Results.Redirect("/dashboard/"));
app.MapHealthChecks("/healthz");
app.MapOrleansDashboard("/dashboard");
app.Run();
