using MusicCluster.Grains.Inference;
using MusicCluster.TestSupport;

namespace MusicCluster.Grains.Tests;

/// <summary>The silo's tensor code (inference engine, training host) holds every Scalar it gives libtorch (see TorchScalars).</summary>
public sealed class TorchScalarRulesTests
{
    [Fact]
    public void The_grains_and_their_tests_hold_every_scalar_they_give_libtorch()
    {
        TorchScalarRules.AssertNone([typeof(ModelWorker).Assembly.Location, typeof(TorchScalarRulesTests).Assembly.Location]);
    }
}
