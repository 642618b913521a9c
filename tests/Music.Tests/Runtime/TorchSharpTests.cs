using MusicCluster.Music.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Runtime;

public sealed class TorchSharpTests
{
    [Fact]
    public void Native_libraries_load_and_compute()
    {
        TorchStatus status = TorchRuntime.Probe();
        Assert.True(status.Works, status.Error);
        Assert.StartsWith("2.10", status.LibTorchVersion);
        Assert.True(status.Threads >= 1);
    }

    [Fact]
    public void Autograd_gradient_of_a_small_network_matches_central_differences()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(7);
        var layer1 = nn.Linear(3, 4, dtype: float64);
        var layer2 = nn.Linear(4, 1, dtype: float64);
        Tensor input = randn(new long[] { 5, 3 }, dtype: float64);
        Func<Tensor> loss = () => layer2.forward(tanh(layer1.forward(input))).Power(2).mean();

        loss().backward();
        Tensor analytic = layer1.weight!.grad!.clone();

        const double h = 1e-6;
        using (no_grad())
        {
            for (long row = 0; row < 4; row++)
                for (long col = 0; col < 3; col++)
                {
                    double original = layer1.weight[row, col].item<double>();
                    layer1.weight[row, col] = original + h;
                    double plus = loss().item<double>();
                    layer1.weight[row, col] = original - h;
                    double minus = loss().item<double>();
                    layer1.weight[row, col] = original;
                    double numeric = (plus - minus) / (2 * h);
                    Assert.Equal(numeric, analytic[row, col].item<double>(), 6);
                }
        }
        Assert.True(analytic.abs().sum().item<double>() > 1e-6, "the gradient is all zeros: backward did not run");
    }
}
