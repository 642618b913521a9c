using MusicCluster.Grains.Hosting;
using MusicCluster.Hosting;
using MusicCluster.Hosting.Telemetry;

// A standalone silo. Configuration: appsettings.json, environment variables (Cluster__SiloPort=11112 ...), arguments.
var builder = Host.CreateApplicationBuilder(args);
builder.AddMusicClusterTelemetry("musiccluster-silo");
bool inKubernetes = ClusterSettings.FromConfiguration(builder.Configuration).Kubernetes;
builder.UseOrleans(silo =>
{
    silo.AddMusicClusterSilo(builder.Configuration);
    // Cluster:Kubernetes=true (deploy/k8s sets it): the silo is named after its pod, advertises the pod's IP, and
    // watches the cluster's pods (labels orleans/serviceId, orleans/clusterId), so a deleted pod's silo is declared
    // dead at once instead of after missed probes. Membership still lives in Cluster:Clustering (Azure Table).
    // Off by default: outside Kubernetes there are no pods to watch.
    if (inKubernetes) silo.UseKubernetesHosting();
});
// SIGTERM / Ctrl-C: give the silo time to leave the cluster and checkpoint its training runs (Kubernetes'
// terminationGracePeriodSeconds in deploy/k8s is longer than this).
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(60));
return await builder.Build().RunUntilStoppedAsync();
