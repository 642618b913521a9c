using System.Net;
using System.Net.Sockets;

namespace MusicCluster.TestSupport;

/// <summary>
/// An unused loopback TCP port for a test host. Not the OS's choice for port 0: that comes from the ephemeral range
/// (32768-60999 on Linux), which every outgoing connection of every test process draws from too, so a port freed
/// here could be taken by a client socket before the host binds it (seen as AddressInUse when test assemblies run in
/// parallel). Instead a random port below that range that binds now, never the same one twice in this process.
/// </summary>
public static class FreePort
{
    private const int Lowest = 20_000, BelowEphemeral = 32_000;
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(Lowest, BelowEphemeral);
                if (Given.Contains(port) || !CanBind(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port in {Lowest}-{BelowEphemeral} after 1000 tries");
    }

    /// <summary>The first of <paramref name="count"/> consecutive unused ports (for a script that numbers its hosts' ports from a base).</summary>
    public static int NextRange(int count)
    {
        lock (Given)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int first = Random.Shared.Next(Lowest, BelowEphemeral - count);
                var range = Enumerable.Range(first, count).ToArray();
                if (range.Any(Given.Contains) || !range.All(CanBind)) continue;
                Given.UnionWith(range);
                return first;
            }
        }
        throw new InvalidOperationException($"no {count} consecutive free loopback ports in {Lowest}-{BelowEphemeral} after 1000 tries");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
