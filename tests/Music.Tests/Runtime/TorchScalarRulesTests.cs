using MusicCluster.Music.Runtime;
using MusicCluster.TestSupport;
using TorchSharp;

namespace MusicCluster.Music.Tests.Runtime;

public sealed class TorchScalarRulesTests
{
    [Fact]
    public void The_music_library_and_its_tests_hold_every_scalar_they_give_libtorch()
    {
        TorchScalarRules.AssertNone([typeof(TorchScalars).Assembly.Location, typeof(TorchScalarRulesTests).Assembly.Location],
            except: v => v.Caller.Contains("+" + nameof(Offenders) + "::", StringComparison.Ordinal)
                // The reference of ScalarSafeAdamTests: TorchSharp's own Adam(W), stepped where no collection starts.
                || v.Caller.Contains("ScalarSafeAdamTests+TorchSharpReference::", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rules_see_the_temporary_scalars_of_operators_and_torchsharps_adam()
    {
        // A method of this test assembly that makes each kind of temporary, so the scan cannot pass by seeing nothing.
        var found = TorchScalarRules.Violations(typeof(TorchScalarRulesTests).Assembly.Location)
            .Where(v => v.Caller.EndsWith("+Offenders::" + nameof(Offenders.Everything), StringComparison.Ordinal))
            .Select(v => v.Callee).ToList();
        Assert.Contains(found, c => c.StartsWith("TorchSharp.torch+Tensor::op_Addition(TorchSharp.torch+Tensor, TorchSharp.torch+Tensor)"));
        Assert.Contains(found, c => c.StartsWith("TorchSharp.torch+Tensor::op_Multiply(TorchSharp.torch+Tensor, System.Double)"));
        Assert.Contains(found, c => c.StartsWith("TorchSharp.Scalar::op_Implicit"));
        Assert.Contains(found, c => c.StartsWith("TorchSharp.torch+optim::Adam("));
    }

    /// <summary>What the rules forbid, compiled but never run.</summary>
    private static class Offenders
    {
        public static object Everything(torch.Tensor a, torch.Tensor b, TorchSharp.Modules.Parameter[] parameters) =>
            new object[] { a + b, a * 0.5, a.masked_fill(b, 0.0), torch.optim.Adam(parameters, lr: 1e-3) };
    }
}
