using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>Reads GET /api/cluster of a running Client.</summary>
internal static class ClusterApi
{
    /// <summary>Polls the silo list until it meets a condition (membership changes propagate asynchronously).</summary>
    public static Task<JsonElement> PollSilosAsync(HttpClient web, Func<JsonElement, bool> condition, TimeSpan timeout) =>
        Poll.UntilAsync(async () => (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos"), condition, timeout,
            "the cluster reached the expected state");
}
