using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MusicCluster.TestSupport;

/// <summary>
/// One of the project's own programs (Silo, Client) run as a real process from its build output. Output lines are
/// kept so tests can wait for what the program logs (readiness, graceful shutdown) instead of sleeping.
/// </summary>
public sealed partial class ProcessHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ProcessHost(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Starts `dotnet {project}/bin/{configuration}/net10.0/{assembly}.dll` in the project folder.</summary>
    public static ProcessHost Start(string project, string assembly, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        (string projectFolder, string dll) = BuiltAssembly(project, assembly);
        var start = Redirected("dotnet", projectFolder);
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return Launch(start, project, environment);
    }

    /// <summary>
    /// Starts the project's assembly like <see cref="Start"/>, in a bash that first limits the size of any file the
    /// process writes to <paramref name="fileSizeKiB"/> KiB (`ulimit -f`) and ignores SIGXFSZ, so a write past the limit
    /// fails with EFBIG as on a file system without room for it; no root needed. The runtime's W^X double mapping (a
    /// memory file as large as the code it maps) is turned off, or the runtime could not start under the limit.
    /// </summary>
    public static ProcessHost StartWithFileSizeLimit(string project, string assembly, int fileSizeKiB, IReadOnlyDictionary<string, string> environment,
        params string[] arguments)
    {
        (string projectFolder, string dll) = BuiltAssembly(project, assembly);
        var start = Redirected("bash", projectFolder);
        // ulimit -f counts 1024-byte blocks in bash.
        foreach (string argument in new[] { "-c", "trap '' XFSZ; ulimit -f \"$0\" && exec dotnet \"$@\"", fileSizeKiB.ToString(System.Globalization.CultureInfo.InvariantCulture),
            dll })
            start.ArgumentList.Add(argument);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        return Launch(start, project, environment);
    }

    /// <summary>A process whose output this host reads, started in <paramref name="workingDirectory"/>.</summary>
    private static ProcessStartInfo Redirected(string fileName, string workingDirectory) => new(fileName)
    {
        WorkingDirectory = workingDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };

    private static (string ProjectFolder, string Dll) BuiltAssembly(string project, string assembly)
    {
        string projectFolder = Path.Combine(RepositoryPaths.Root, project);
        string dll = Path.Combine(projectFolder, "bin", RepositoryPaths.BuildConfiguration, "net10.0", assembly + ".dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built; build the solution first (./test.sh does)");
        return (projectFolder, dll);
    }

    /// <summary>Starts a script or program of the repository (e.g. deploy/local-cluster.sh) in the repository root;
    /// the programs it starts inherit the same environment.</summary>
    public static ProcessHost StartScript(string relativePath, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = Redirected(Path.Combine(RepositoryPaths.Root, relativePath), RepositoryPaths.Root);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return Launch(start, Path.GetFileName(relativePath), environment);
    }

    private static ProcessHost Launch(ProcessStartInfo start, string name, IReadOnlyDictionary<string, string> environment)
    {
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new ProcessHost(process, $"{name}#{Guid.NewGuid().ToString("N")[..6]}");
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _lineArrived.Release();
    }

    /// <summary>Waits until some output line contains <paramref name="text"/>; fails with the output so far on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            string? found = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (found is not null) return found;
            if (_process.HasExited && _lineArrived.CurrentCount == 0)
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) without printing '{text}'. Output:\n{string.Join('\n', _lines)}");
            try
            {
                // Wake on each new line, or at the latest every second to notice an exit.
                await _lineArrived.WaitAsync(TimeSpan.FromSeconds(1), cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout}. Output:\n{string.Join('\n', _lines)}");
            }
        }
    }

    /// <summary>Sends SIGTERM (what docker stop and Kubernetes send) and waits for the process to exit.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => SignalAndWaitAsync(Sigterm, timeout);

    /// <summary>Sends SIGINT (what Ctrl-C in a terminal sends) and waits for the process to exit.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout) => SignalAndWaitAsync(Sigint, timeout);

    /// <summary>Sends SIGKILL (a crash: no shutdown code runs) and waits for the process to exit.</summary>
    public Task<int> KillAsync(TimeSpan timeout) => SignalAndWaitAsync(Sigkill, timeout);

    private async Task<int> SignalAndWaitAsync(int signal, TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            if (SendSignal(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
            using var cancel = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cancel.Token);
        }
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM to a process this assembly started itself (Azurite), without waiting.</summary>
    internal static void SendTerminate(Process process)
    {
        if (SendSignal(process.Id, Sigterm) != 0) throw new InvalidOperationException($"kill({process.Id}, {Sigterm}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private const int Sigint = 2;
    private const int Sigterm = 15;
    private const int Sigkill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
