using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Client.Tests;

public sealed class ClusterApiTests : IAsyncLifetime
{
    private readonly ClientFactory _factory = new(EmbeddedClientSettings.CreateFresh(),
        new Dictionary<string, string?> { ["MusicCluster:Accelerators"] = "2", ["MusicCluster:MaxRunsPerSilo"] = "3" });
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Healthz_is_healthy_when_the_embedded_silo_answers()
    {
        HttpResponseMessage response = await _http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cluster_lists_the_one_embedded_silo_with_its_configured_accelerators()
    {
        using JsonDocument json = JsonDocument.Parse(await _http.GetStringAsync("/api/cluster"));
        JsonElement silos = json.RootElement.GetProperty("silos");
        Assert.Equal(1, silos.GetArrayLength());
        JsonElement silo = silos[0];
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.Equal(2, silo.GetProperty("accelerators").GetInt32());
        Assert.Contains($":{_factory.Settings.SiloPort}@", silo.GetProperty("address").GetString());
    }

    [Fact]
    public async Task Cluster_reports_capacity_running_work_and_grains_per_silo()
    {
        JsonElement before = await OnlySiloAsync();
        Assert.Equal(3, before.GetProperty("trainingSlots").GetInt32());
        Assert.Equal(0, before.GetProperty("trainingRuns").GetArrayLength());
        Assert.Equal(0, before.GetProperty("generationSessions").GetInt32());
        // Every start records itself with the installation grain, so it is active on the only silo.
        Assert.Contains(before.GetProperty("grains").EnumerateArray(),
            g => g.GetProperty("grainType").GetString() == "InstallationGrain" && g.GetProperty("activations").GetInt32() >= 1);

        HttpResponseMessage started = await _http.PostAsJsonAsync("/api/generations", new { bars = 1, seed = 3 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement after = await OnlySiloAsync();
        Assert.Equal(1, after.GetProperty("generationSessions").GetInt32());
        Assert.Contains(after.GetProperty("grains").EnumerateArray(), g => g.GetProperty("grainType").GetString() == "GenerationSessionGrain");
    }

    private async Task<JsonElement> OnlySiloAsync()
    {
        using JsonDocument json = JsonDocument.Parse(await _http.GetStringAsync("/api/cluster"));
        return Assert.Single(json.RootElement.GetProperty("silos").EnumerateArray()).Clone();
    }

    [Fact]
    public async Task Cluster_page_shows_the_silo()
    {
        string html = await _http.GetStringAsync("/cluster");
        Assert.Contains("data-testid=\"silo-row\"", html);
        Assert.Contains($"127.0.0.1:{_factory.Settings.SiloPort}", html);
        Assert.Contains("href=\"/dashboard/\"", html);
    }

    [Fact]
    public async Task Unknown_api_route_is_a_problem_details_404()
    {
        HttpResponseMessage response = await _http.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_cluster_endpoint()
    {
        using JsonDocument json = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/cluster", out _));
    }
}
