using MusicCluster.Build;
using TorchSharp;

namespace MusicCluster.Music.Runtime;

/// <summary>What `doctor` and the silos report about TorchSharp on this host.</summary>
public sealed record TorchStatus(bool Works, string? LibTorchVersion, int Threads, string NativeFix, int CudaDevices, string? Error);

/// <summary>Checks that TorchSharp's native libraries load and compute, and whether the GLIBCXX fix was needed.</summary>
public static class TorchRuntime
{
    public const string RequiredGlibcxxVersion = "GLIBCXX_3.4.32";

    public static TorchStatus Probe()
    {
        string fix = DescribeNativeFix();
        try
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.ones(new long[] { 2, 2 }, dtype: torch.float32, device: torch.CPU);
            float sum = a.matmul(a).sum().item<float>();
            if (sum != 8f) return new TorchStatus(false, torch.__version__, torch.get_num_threads(), fix, 0, $"2x2 ones matmul summed to {sum}, expected 8");
            return new TorchStatus(true, torch.__version__, torch.get_num_threads(), fix, CudaDeviceCount(), null);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException or EntryPointNotFoundException)
        {
            return new TorchStatus(false, null, 0, fix, 0, e.GetBaseException().Message);
        }
    }

    /// <summary>CUDA devices libtorch can use (0 on CPU builds).</summary>
    public static int CudaDeviceCount() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    /// <summary>Where the loaded native bridge library lives in this application's output, if anywhere.</summary>
    public static string? FindBridgeLibrary()
    {
        string baseDirectory = AppContext.BaseDirectory;
        return new[] { Path.Combine(baseDirectory, "libLibTorchSharp.so"), Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so") }
            .FirstOrDefault(File.Exists);
    }

    public static string DescribeNativeFix()
    {
        if (!OperatingSystem.IsLinux()) return "not needed (not Linux)";
        string? library = FindBridgeLibrary();
        if (library is null) return "unknown (libLibTorchSharp.so not found next to the application)";
        ushort? flags = ElfVersionNeedPatcher.ReadRequirementFlags(library, RequiredGlibcxxVersion);
        if (flags is null) return $"not needed ({library} does not require {RequiredGlibcxxVersion})";
        if ((flags.Value & 0x2) != 0) return $"applied ({RequiredGlibcxxVersion} requirement marked weak in {library})";
        return HostProvides(RequiredGlibcxxVersion) ? $"not needed (host libstdc++ provides {RequiredGlibcxxVersion})" : "missing (rebuild: the build step should have patched it)";
    }

    private static bool HostProvides(string version) =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
            .Where(File.Exists).Any(path => ElfVersionNeedPatcher.LibraryDefinesVersion(path, version));
}
