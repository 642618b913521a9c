using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Runtime;

/// <summary>Where models run: CUDA when libtorch sees a device, else (as on the project's CPU machines) the CPU.</summary>
[Collection(TinyModels.Collection)]
public sealed class ComputeDevicesTests
{
    [Fact]
    public void The_rule_takes_the_first_cuda_device_when_there_is_one_and_the_cpu_otherwise()
    {
        Assert.Equal(DeviceType.CPU, ComputeDevices.Choose(0).type);
        Device gpu = ComputeDevices.Choose(2);
        Assert.Equal(DeviceType.CUDA, gpu.type);
        Assert.Equal(0, gpu.index);
    }

    [Fact]
    public void Models_made_without_a_device_go_where_the_switch_says_and_fall_back_to_the_cpu_without_cuda()
    {
        DeviceType expected = TorchRuntime.CudaDeviceCount() > 0 ? DeviceType.CUDA : DeviceType.CPU;
        Assert.Equal(expected, ComputeDevices.Default.type);

        using var generator = new TransformerGenerator(TinyModels.Config());
        using var critic = new TransformerCritic(TinyModels.Config());
        Assert.Equal(expected, generator.Device.type);
        Assert.All(critic.parameters(), p => Assert.Equal(expected, p.device.type));
        // And they compute there: one forward pass of two tokens.
        using var scope = NewDisposeScope();
        Tensor logits = generator.forward(tensor(new long[] { 1, 2 }, [1, 2], dtype: int64, device: generator.Device));
        Assert.Equal(new long[] { 1, 2, TinyModels.Config().VocabSize }, logits.shape);
    }
}
