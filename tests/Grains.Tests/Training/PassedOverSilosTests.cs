using Microsoft.Extensions.Time.Testing;
using MusicCluster.Grains.Training;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>
/// A silo that refused a data-parallel worker (Orleans placed it elsewhere) is passed over for a while, not for good:
/// a silo that just joined refuses until the grain types it hosts are known, and must be asked again.
/// </summary>
public sealed class PassedOverSilosTests
{
    [Fact]
    public void A_silo_that_refused_a_worker_is_passed_over_for_ten_seconds_then_asked_again()
    {
        var clock = new FakeTimeProvider();
        var refused = new PassedOverSilos(clock);
        refused.Refused("S127.0.0.1:20419:1");
        Assert.True(refused.Contains("S127.0.0.1:20419:1"));
        Assert.False(refused.Contains("S127.0.0.1:29164:1"));

        clock.Advance(PassedOverSilos.For - TimeSpan.FromMilliseconds(1));
        Assert.True(refused.Contains("S127.0.0.1:20419:1"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(refused.Contains("S127.0.0.1:20419:1"));

        // Refused again: passed over again, from then.
        refused.Refused("S127.0.0.1:20419:1");
        Assert.True(refused.Contains("S127.0.0.1:20419:1"));
    }
}
