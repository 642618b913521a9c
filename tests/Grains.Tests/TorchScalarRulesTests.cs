using MusicCluster.Grains.Inference;
using MusicCluster.TestSupport;

namespace MusicCluster.Grains.Tests;

/// <summary>The silo's tensor code (inference engine, training host) holds every Scalar it gives libtorch (see TorchScalars).</summary>
public sealed class TorchScalarRulesTests
{
    [Fact]
    public void The_grains_and_their_tests_hold_every_scalar_they_give_libtorch()
    {
        var violations = new[] { typeof(ModelWorker).Assembly.Location, typeof(TorchScalarRulesTests).Assembly.Location }
            .SelectMany(TorchScalarRules.Violations).Select(v => v.ToString()).Distinct().ToList();
        Assert.True(violations.Count == 0, "unheld TorchSharp scalars (use TorchScalars / ScalarSafeAdam):\n" + string.Join("\n", violations));
    }
}
