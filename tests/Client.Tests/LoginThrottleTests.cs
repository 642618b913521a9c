using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Hosting.Admin;

namespace MusicCluster.Client.Tests;

/// <summary>Guessing the admin password: a few wrong tries per address, then a pause (429 with Retry-After).</summary>
public sealed class LoginThrottleTests
{
    private static LoginThrottle Throttle(FakeTimeProvider clock, int maxFailures = 3, int windowSeconds = 60) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MusicCluster:Login:MaxFailures"] = maxFailures.ToString(),
            ["MusicCluster:Login:WindowSeconds"] = windowSeconds.ToString(),
        }).Build(), clock, NullLogger<LoginThrottle>.Instance);

    [Fact]
    public void An_address_waits_after_too_many_failures_until_the_oldest_leaves_the_window()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T12:00:00Z"));
        var throttle = Throttle(clock);
        var guesser = IPAddress.Parse("203.0.113.7");
        var other = IPAddress.Parse("203.0.113.8");

        Assert.Null(throttle.TryBeginAttempt(guesser));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(throttle.TryBeginAttempt(guesser));
        Assert.Null(throttle.RetryAfter(guesser));
        Assert.Null(throttle.TryBeginAttempt(guesser));
        Assert.Equal(TimeSpan.FromSeconds(50), throttle.RetryAfter(guesser)); // the first failure leaves the window at 60 s
        Assert.Equal(TimeSpan.FromSeconds(50), throttle.TryBeginAttempt(guesser)); // refused, and not counted
        Assert.Null(throttle.RetryAfter(other));

        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(throttle.RetryAfter(guesser)); // two failures left in the window: one more try
        Assert.Null(throttle.TryBeginAttempt(guesser));
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.RetryAfter(guesser)); // now the one at 10 s is the oldest
    }

    [Fact]
    public void The_right_password_clears_the_failures_of_its_address()
    {
        var clock = new FakeTimeProvider();
        var throttle = Throttle(clock, maxFailures: 2);
        var address = IPAddress.Loopback;
        Assert.Null(throttle.TryBeginAttempt(address));
        throttle.RecordSuccess(address);
        Assert.Null(throttle.TryBeginAttempt(address));
        Assert.Null(throttle.RetryAfter(address));
    }

    [Fact]
    public void Parallel_tries_from_one_address_are_counted_before_any_password_is_checked()
    {
        var throttle = Throttle(new FakeTimeProvider(), maxFailures: 5);
        var guesser = IPAddress.Parse("203.0.113.9");
        // 40 threads (not pool tasks, which would start a few at a time) released together.
        using var start = new Barrier(40);
        var admitted = new bool[40];
        var threads = Enumerable.Range(0, 40).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            admitted[i] = throttle.TryBeginAttempt(guesser) is null;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(5, admitted.Count(a => a));
        Assert.NotNull(throttle.RetryAfter(guesser));
    }

    [Fact]
    public async Task The_login_page_answers_429_with_retry_after_once_the_wrong_passwords_are_used_up()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), AdminSession.Settings(("MusicCluster:Login:MaxFailures", "2")));
        var client = AdminSession.Anonymous(factory);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AdminSession.PostLoginAsync(client, "guess 1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AdminSession.PostLoginAsync(client, "guess 2")).StatusCode);

        // Even the right password waits now: otherwise guessing could go on.
        HttpResponseMessage refused = await AdminSession.PostLoginAsync(client, AdminSession.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 300);
        Assert.Contains("Too many wrong passwords", await refused.Content.ReadAsStringAsync());
        // ... and it did not sign in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/training-runs", new { dataset = "synthetic-demo" })).StatusCode);
    }
}
