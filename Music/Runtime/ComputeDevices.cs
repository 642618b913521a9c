using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Runtime;

/// <summary>
/// The one switch that decides where models run: the first CUDA device when libtorch sees one (a GPU build of
/// libtorch on a machine with an NVIDIA driver), else the CPU. Models created without an explicit device (training,
/// checkpoints loaded for inference, the CLI) go there. To keep a GPU machine's models on the CPU, hide its devices
/// from libtorch the usual way: CUDA_VISIBLE_DEVICES="" in the process's environment.
/// </summary>
public static class ComputeDevices
{
    private static readonly Lazy<Device> Chosen = new(() => Choose(TorchRuntime.CudaDeviceCount()));

    /// <summary>Where models go when their creator names no device (decided once per process).</summary>
    public static Device Default => Chosen.Value;

    /// <summary>The rule: CUDA device 0 when there is at least one, else the CPU.</summary>
    public static Device Choose(int cudaDevices) => cudaDevices > 0 ? new Device(DeviceType.CUDA, 0) : CPU;
}
