using MusicCluster.Music.Storage;

namespace MusicCluster.Music.Tests.Storage;

public sealed class StorageRetryPolicyTests
{
    [Fact]
    public void The_budget_is_read_from_its_key_and_a_bad_value_stops_the_host_naming_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(StorageRetryPolicy.DefaultBudgetSeconds), StorageRetryPolicy.FromLookup(_ => null).Budget);
        Assert.Equal(TimeSpan.FromSeconds(2.5), StorageRetryPolicy.FromLookup(k => k == StorageRetryPolicy.BudgetKey ? "2.5" : null).Budget);
        Assert.Equal(TimeSpan.Zero, StorageRetryPolicy.FromLookup(k => k == StorageRetryPolicy.BudgetKey ? "0" : null).Budget);
        foreach (string bad in new[] { "soon", "-1", "3601", "NaN" })
        {
            var error = Assert.Throws<InvalidOperationException>(() => StorageRetryPolicy.FromLookup(k => k == StorageRetryPolicy.BudgetKey ? bad : null));
            Assert.Contains($"MusicCluster:Storage:RetrySeconds '{bad}'", error.Message);
        }
        Assert.Equal(TimeSpan.FromSeconds(7), BlobStoreSettings.FromLookup(k => k == "MusicCluster:Storage:RetrySeconds" ? "7" : null).Retry.Budget);
    }

    [Fact]
    public void Delays_double_from_the_first_up_to_the_largest_within_their_jitter()
    {
        var policy = new StorageRetryPolicy { FirstDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        foreach ((int attempt, double seconds) in new[] { (1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (40, 5.0) })
            for (int i = 0; i < 20; i++)
                Assert.InRange(policy.DelayAfter(attempt).TotalSeconds, seconds * 0.8, seconds * 1.2);
    }
}
