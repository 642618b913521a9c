using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>Reads GET /api/cluster of a running Client.</summary>
internal static class ClusterApi
{
    /// <summary>Polls the silo list until it meets a condition (membership changes propagate asynchronously).</summary>
    public static async Task<JsonElement> PollSilosAsync(HttpClient web, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement silos;
        do
        {
            silos = (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos");
            if (condition(silos)) return silos;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"the cluster did not reach the expected state within {timeout}: {silos}");
    }
}
