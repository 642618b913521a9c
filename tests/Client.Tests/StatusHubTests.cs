using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Client.Hubs;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Tests;

/// <summary>
/// /hubs/status through real SignalR clients: every stream of one view in this web host shares one watch (one
/// observer on the grain, however many browsers), a stream gets the value at once and then each sample, the watch
/// closes with the last stream, and a scoring job that does not exist ends its stream with nothing.
/// </summary>
public sealed class StatusHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly ClientFactory factory = new(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?> { ["MusicCluster:Library:SeedCount"] = "0" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<HubConnection> ConnectAsync()
    {
        HubConnection hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/status"), HttpTransportType.LongPolling,
                o => o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync();
        return hub;
    }

    [Fact]
    public async Task Streams_of_the_cluster_view_share_one_watch_that_closes_with_the_last_stream()
    {
        StatusRelays relays = factory.Services.GetRequiredService<StatusRelays>();
        await using HubConnection first = await ConnectAsync();
        await using HubConnection second = await ConnectAsync();
        using var firstStop = new CancellationTokenSource(Deadline);
        using var secondStop = new CancellationTokenSource(Deadline);
        await using var firstSamples = first.StreamAsync<ClusterSnapshot>("Cluster", firstStop.Token).GetAsyncEnumerator(firstStop.Token);
        await using var secondSamples = second.StreamAsync<ClusterSnapshot>("Cluster", secondStop.Token).GetAsyncEnumerator(secondStop.Token);

        // Each gets a sample at once, then the sampler's next ones, later samples taken later.
        var taken = new List<DateTimeOffset>();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await firstSamples.MoveNextAsync());
            Assert.Single(firstSamples.Current.Silos);
            taken.Add(firstSamples.Current.TakenAt);
        }
        Assert.Equal(taken.Distinct().Order(), taken);
        Assert.True(await secondSamples.MoveNextAsync());
        Assert.Equal(1, relays.Cluster.Watched);

        await firstStop.CancelAsync();
        await secondStop.CancelAsync();
        await Poll.UntilAsync(() => Task.FromResult(relays.Cluster.Watched), n => n == 0, Deadline, "the watch closed with the last stream");
    }

    [Fact]
    public async Task A_scoring_job_that_does_not_exist_ends_its_stream_with_nothing()
    {
        await using HubConnection hub = await ConnectAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        var sent = new List<ScoringJobProgress>();
        await foreach (ScoringJobProgress progress in hub.StreamAsync<ScoringJobProgress>("ScoringJob", Guid.NewGuid(), deadline.Token)) sent.Add(progress);
        Assert.Empty(sent);
        Assert.False(deadline.IsCancellationRequested);
    }
}
