using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace MusicCluster.TestSupport;

/// <summary>
/// A real Azurite (Azure Storage emulator, installed by ./test.sh into tests/tools/node_modules) on free loopback
/// ports, in-memory, for the lifetime of a test class fixture. Stop silos that use it before disposing it. Started with
/// a folder (<see cref="StartAsync(string?)"/>) it keeps its data there, so a test can kill it and start it again on the
/// same ports and find what was written before (<see cref="StopAsync"/>, <see cref="KillAsync"/>, <see cref="RestartAsync"/>).
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // Azurite's well-known development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process _process;
    private readonly int _blobPort, _queuePort, _tablePort;
    private readonly string? _location;
    // What the running emulator prints (its start and shutdown messages; --silent leaves out the request log).
    private readonly ConcurrentQueue<string> _output;

    private Azurite(Process process, ConcurrentQueue<string> output, int blobPort, int queuePort, int tablePort, string? location)
    {
        _process = process;
        _output = output;
        (_blobPort, _queuePort, _tablePort, _location) = (blobPort, queuePort, tablePort, location);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    public string ConnectionString { get; }

    public static string ExecutablePath => Path.Combine(RepositoryPaths.Root, "tests", "tools", "node_modules", ".bin", "azurite");

    /// <summary>Starts Azurite (skips or, in CI, fails when it is not installed) and waits until all three ports accept
    /// connections: in memory, or keeping its data in <paramref name="location"/> when given.</summary>
    public static async Task<Azurite> StartAsync(string? location = null)
    {
        Prerequisite.Require(File.Exists(ExecutablePath), $"Azurite at {ExecutablePath} (npm, tests/tools/package.json)");
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var output = new ConcurrentQueue<string>();
        var azurite = new Azurite(Launch(blob, queue, table, location, output), output, blob, queue, table, location);
        try
        {
            await azurite.WaitUntilListeningAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
    }

    /// <summary>Kills the emulator (SIGKILL, as a crash or a pulled plug would) and waits until it has gone.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Stops the emulator with SIGTERM, as an operator would: it stops taking requests at once and saves what it
    /// acknowledged (it saves its blob index only every few seconds while it runs, so a SIGKILL can lose its last
    /// acknowledged writes, which real Azure Storage never does). It then waits for its open connections to end, which
    /// a client's pooled connections may keep from happening; once it reports its blob service closed it is killed.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        ProcessHost.SendTerminate(_process);
        await Poll.UntilAsync(() => Task.FromResult(_process.HasExited || _output.Any(l => l.Contains("Blob service successfully closed", StringComparison.Ordinal))),
            closed => closed, TimeSpan.FromSeconds(60), "Azurite to close its blob service");
        await KillAsync();
    }

    /// <summary>Starts the emulator again on the same ports (and folder) after <see cref="KillAsync"/> or <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync()
    {
        if (!_process.HasExited) throw new InvalidOperationException("Azurite is still running");
        _process.Dispose();
        _output.Clear();
        _process = Launch(_blobPort, _queuePort, _tablePort, _location, _output);
        await WaitUntilListeningAsync();
    }

    private async Task WaitUntilListeningAsync()
    {
        foreach (int port in new[] { _blobPort, _queuePort, _tablePort })
            await WaitForPortAsync(_process, port, TimeSpan.FromSeconds(60));
    }

    private static Process Launch(int blob, int queue, int table, string? location, ConcurrentQueue<string> output)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            ArgumentList =
            {
                "--skipApiVersionCheck", "--silent", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --inMemoryPersistence and --location exclude each other.
        if (location is null) start.ArgumentList.Add("--inMemoryPersistence");
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(Process process, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on {port}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet: poll readiness (the process reports no other signal).
                await Task.Delay(100);
            }
        }
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
}
