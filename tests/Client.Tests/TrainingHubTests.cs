using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Tests;

/// <summary>/hubs/training's run list through a real SignalR client: a stream that sends the list at once and again
/// whenever the training index announces a change (StatusRelays' one watch of the list), with a run's progress, until
/// the browser leaves.</summary>
public sealed class TrainingHubTests(TrainingClientFixture fixture) : IClassFixture<TrainingClientFixture>
{
    [Fact]
    public async Task The_run_list_stream_sends_the_list_again_on_every_change_until_a_run_it_shows_has_completed()
    {
        HttpResponseMessage started = await fixture.Admin.PostAsJsonAsync("/api/training-runs", new
        {
            dataset = "synthetic-demo",
            checkpointEvery = 10,
            settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize = 2, mleSteps = 20, validateEvery = 10 },
        });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        string runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

        await using HubConnection hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Factory.Server.BaseAddress, "/hubs/training"), HttpTransportType.LongPolling,
                o => o.HttpMessageHandlerFactory = _ => fixture.Factory.Server.CreateHandler())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var seen = new List<TrainingRunSummary>();
        await foreach (List<TrainingRunSummary> runs in hub.StreamAsync<List<TrainingRunSummary>>("Runs", deadline.Token))
        {
            seen.Add(Assert.Single(runs, r => r.RunId == runId));
            if (seen[^1].Status == TrainingRunStatus.Completed && seen.Count >= 2) break;
        }

        Assert.True(seen.Count >= 2, "the list came once only");
        Assert.Equal(TrainingRunStatus.Completed, seen[^1].Status);
        Assert.Equal(20, seen[^1].Step);
        // Steps never go back from one list to the next.
        Assert.Equal(seen.Select(r => r.Step).Order(), seen.Select(r => r.Step));
    }
}
