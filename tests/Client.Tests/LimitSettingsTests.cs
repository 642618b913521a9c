namespace MusicCluster.Client.Tests;

/// <summary>
/// Every limit under MusicCluster:Limits is read and checked once, at start: a value that is not a number in range stops
/// the web host before it serves anything, with a message naming the key, instead of being clamped or ignored.
/// </summary>
public sealed class LimitSettingsTests
{
    [Theory]
    [InlineData("PendingGenerations", "0")]
    [InlineData("PendingGenerations", "lots")]
    [InlineData("PendingGenerationsPerAddress", "-3")]
    [InlineData("WatchesPerConnection", "1.5")]
    [InlineData("ConcurrentRenders", "0")]
    [InlineData("AnalysisSeconds", "0")]
    [InlineData("AnalysisSeconds", "121")]
    public async Task A_bad_limit_stops_the_host_at_start_naming_the_key(string key, string value)
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            [$"MusicCluster:Limits:{key}"] = value,
            ["MusicCluster:Library:SeedCount"] = "0",
        });
        Exception? failure = Record.Exception(() => factory.CreateClient());
        Assert.NotNull(failure);
        Assert.Contains($"MusicCluster:Limits:{key} '{value}' is not", failure.ToString());
    }
}
