using System.Diagnostics;
using System.Net.Sockets;

namespace MusicCluster.TestSupport;

/// <summary>
/// A real Azurite (Azure Storage emulator, installed by ./test.sh into tests/tools/node_modules) on free loopback
/// ports, in-memory, for the lifetime of a test class fixture. Stop silos that use it before disposing it.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // Azurite's well-known development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    public string ConnectionString { get; }

    public static string ExecutablePath => Path.Combine(RepositoryPaths.Root, "tests", "tools", "node_modules", ".bin", "azurite");

    /// <summary>Starts Azurite (skips or, in CI, fails when it is not installed) and waits until all three ports accept connections.</summary>
    public static async Task<Azurite> StartAsync()
    {
        Prerequisite.Require(File.Exists(ExecutablePath), $"Azurite at {ExecutablePath} (npm, tests/tools/package.json)");
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            ArgumentList =
            {
                "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new Azurite(process, blob, queue, table);
        try
        {
            foreach (int port in new[] { blob, queue, table })
                await WaitForPortAsync(process, port, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
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
