using MusicCluster.Build;
using MusicCluster.Music.Runtime;

namespace MusicCluster.Music.Tests.Runtime;

/// <summary>The ELF patch the build applies to libLibTorchSharp.so (Directory.Build.targets), on a copy of the real library.</summary>
public sealed class NativeFixTests
{
    private const string Version = TorchRuntime.RequiredGlibcxxVersion;

    private static string OriginalLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Prerequisite.Require(File.Exists(path), $"the restored TorchSharp 0.107.0 package in {packages}");
        return path;
    }

    [SkippableFact]
    public void Patching_marks_only_the_requirement_weak_and_is_idempotent()
    {
        string original = OriginalLibrary();
        string copy = Path.Combine(RepositoryPaths.NewTempFolder("elf"), "libLibTorchSharp.so");
        File.Copy(original, copy);
        ushort? before = ElfVersionNeedPatcher.ReadRequirementFlags(copy, Version);
        Assert.NotNull(before);
        Assert.Equal(0, before.Value & 0x2);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MarkRequirementWeak(copy, Version));
        Assert.Equal((ushort)(before.Value | 0x2), ElfVersionNeedPatcher.ReadRequirementFlags(copy, Version)!.Value);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkRequirementWeak(copy, Version));

        byte[] a = File.ReadAllBytes(original), b = File.ReadAllBytes(copy);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(1, Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]));
    }

    [SkippableFact]
    public void Patching_a_hard_linked_copy_leaves_the_other_link_untouched()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "hard links via ln");
        string folder = RepositoryPaths.NewTempFolder("elf-link");
        string first = Path.Combine(folder, "cache.so"), second = Path.Combine(folder, "output.so");
        File.Copy(OriginalLibrary(), first);
        var link = System.Diagnostics.Process.Start("ln", [first, second])!;
        link.WaitForExit();
        Assert.Equal(0, link.ExitCode);

        ElfVersionNeedPatcher.MarkRequirementWeak(second, Version);
        Assert.Equal(0, ElfVersionNeedPatcher.ReadRequirementFlags(first, Version)!.Value & 0x2);
        Assert.NotEqual(0, ElfVersionNeedPatcher.ReadRequirementFlags(second, Version)!.Value & 0x2);
    }

    [Fact]
    public void A_library_that_does_not_need_the_version_is_left_alone()
    {
        string copy = Path.Combine(RepositoryPaths.NewTempFolder("elf-other"), "libc10.so");
        string? c10 = Path.GetDirectoryName(TorchRuntime.FindBridgeLibrary());
        Assert.NotNull(c10);
        File.Copy(Path.Combine(c10, "libc10.so"), copy);
        byte[] before = File.ReadAllBytes(copy);
        Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionNeedPatcher.MarkRequirementWeak(copy, Version));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Not_an_elf_file_is_a_clear_error()
    {
        string path = Path.Combine(RepositoryPaths.NewTempFolder("elf-bad"), "text.so");
        File.WriteAllText(path, "this is not a shared library at all, just text padding to sixty-four bytes...");
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkRequirementWeak(path, Version));
        Assert.Contains("not an ELF file", error.Message);
    }

    [Fact]
    public void The_build_patched_the_library_in_this_test_output_when_the_host_needs_it()
    {
        string? bridge = TorchRuntime.FindBridgeLibrary();
        Assert.NotNull(bridge);
        string fix = TorchRuntime.DescribeNativeFix();
        Assert.True(fix.StartsWith("applied") || fix.StartsWith("not needed"), fix);
    }
}
