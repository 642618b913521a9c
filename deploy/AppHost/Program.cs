using MusicCluster.AppHost;

// The local cluster under .NET Aspire (deploy/local-cluster.sh is the tested way to run one; see the README).
var builder = DistributedApplication.CreateBuilder(args);
builder.AddMusicClusterLocal(silos: 2);
builder.Build().Run();
