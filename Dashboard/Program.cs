using MusicCluster.Dashboard;
using MusicCluster.Hosting;
using MusicCluster.Hosting.Admin;
using MusicCluster.Hosting.Telemetry;
using Orleans.Dashboard;

// The Orleans dashboard for a cluster of Silo processes: joins as a client (same Cluster:* settings as the Client)
// and serves the dashboard at /dashboard to the admin (signed in at /login with the web app's admin password).
var builder = WebApplication.CreateBuilder(args);
builder.AddMusicClusterTelemetry("musiccluster-dashboard");
builder.UseOrleansClient(client => client.AddMusicClusterClient(builder.Configuration).AddDashboard());
// /healthz: the process serves HTTP (the container health check and Kubernetes probes of deploy/ ask it); anonymous.
builder.Services.AddHealthChecks();
builder.AddDashboardSignIn();

var app = builder.Build();
app.UseDashboardSignIn();
app.MapGet("/", () => Results.Redirect(AdminDashboard.Prefix + "/"));
app.MapHealthChecks("/healthz");
app.MapDashboardSignIn();
app.MapOrleansDashboard(AdminDashboard.Prefix).RequireAuthorization(DashboardSignIn.AdminPolicy);
app.Run();
