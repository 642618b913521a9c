using System.Diagnostics;

namespace MusicCluster.Music.Tests.Runtime;

/// <summary>
/// `dotnet publish -r win-x64` carries Windows' libtorch natives (and no Linux ones): Directory.Packages.props picks
/// libtorch-cpu-win-x64 for that runtime. Music is the smallest project whose output holds the natives; it is published
/// into a folder of the test's own (--artifacts-path), so the repository's bin/ and obj/ stay as they are.
/// Costly (restores a ~130 MB package the first time, compiles Music): `--filter Category!=Publish` leaves it out.
/// </summary>
[Trait("Category", "Publish")]
public sealed class WindowsPublishTests
{
    [Fact]
    public async Task Publishing_for_win_x64_carries_the_windows_libtorch_natives_only()
    {
        string artifacts = RepositoryPaths.NewTempFolder("publish-win-x64");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["publish", "Music/Music.csproj", "-r", "win-x64", "--self-contained", "false",
                     "--artifacts-path", artifacts, "-nologo", "-v:q"])
            start.ArgumentList.Add(argument);
        using Process publish = Process.Start(start)!;
        Task<string> output = publish.StandardOutput.ReadToEndAsync(), errors = publish.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
            await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0, $"dotnet publish -r win-x64 exited {publish.ExitCode}:\n{await output}\n{await errors}");

        string folder = Assert.Single(Directory.GetDirectories(Path.Combine(artifacts, "publish", "Music")), d => d.EndsWith("win-x64", StringComparison.Ordinal));
        string[] files = Directory.GetFiles(folder).Select(Path.GetFileName).ToArray()!;
        // TorchSharp's bridge and libtorch's CPU libraries for Windows, beside the program.
        foreach (string native in (string[])["LibTorchSharp.dll", "torch_cpu.dll", "c10.dll", "torch.dll"])
            Assert.Contains(native, files);
        Assert.DoesNotContain(files, f => f.EndsWith(".so", StringComparison.Ordinal) || f.EndsWith(".dylib", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(folder, "runtimes")), "natives of other runtimes were published too");
        Assert.Contains("libtorch-cpu-win-x64", File.ReadAllText(Path.Combine(folder, "MusicCluster.Music.deps.json")));
    }
}
