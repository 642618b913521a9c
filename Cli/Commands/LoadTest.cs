using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cli.Commands;

/// <summary>What a load test does: how long, with how many clients at once, against which web host (and its process, to watch its memory).</summary>
internal sealed record LoadTestOptions(Uri Url, TimeSpan Duration, int Concurrency, int? ServerProcessId, int GenerationBars = 1);

/// <summary>Latency of one kind of request: how many, median and 99th percentile.</summary>
internal sealed record LoadTestOperation(int Requests, double P50Ms, double P99Ms);

/// <summary>
/// The figures of one load test: throughput, latency, answers by status, the share of generation requests refused with
/// 429 (the web host's PendingGenerations limits), 5xx answers and failed connections (both should be 0), and the
/// server's resident memory at start, at its peak and at the end (MB, read from /proc when its process id is given).
/// </summary>
internal sealed record LoadTestReport(
    double Seconds,
    int Concurrency,
    int Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<string, int> Statuses,
    IReadOnlyDictionary<string, LoadTestOperation> Operations,
    int GenerationRequests,
    int GenerationsAccepted,
    int GenerationsRefused429,
    double Share429,
    int ServerErrors,
    int TransportErrors,
    double? RssStartMb,
    double? RssPeakMb,
    double? RssEndMb);

/// <summary>
/// A bounded load test of a running web host over HTTP: <see cref="LoadTestOptions.Concurrency"/> clients, each sending
/// its next request as soon as the last is answered, for <see cref="LoadTestOptions.Duration"/>, in a fixed mix: the
/// library listing, a piece, its notes, /healthz and generation requests (one bar). All come from one address, so
/// generations beyond MusicCluster:Limits:PendingGenerationsPerAddress are refused with 429: the test measures that
/// share, and that nothing answers 5xx. Pieces the host stores meanwhile join the pieces asked for.
/// </summary>
internal static class LoadTest
{
    /// <summary>The mix, one entry per request in a round of ten: listing ×3, piece ×2, notes, health ×2, generation ×2.</summary>
    private static readonly string[] Mix = ["list", "piece", "generate", "health", "list", "notes", "piece", "generate", "list", "health"];

    public static async Task<LoadTestReport> RunAsync(LoadTestOptions options, CancellationToken cancellation = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
        var pieces = new List<string>();
        await RefreshPiecesAsync(http, pieces, cancellation);

        var samples = new List<(string Operation, int Status, double Ms)>();
        using var memory = new MemoryWatch(options.ServerProcessId);
        var clock = Stopwatch.StartNew();
        int started = 0;
        async Task ClientAsync(int client)
        {
            var random = new Random(client);
            for (int turn = client; clock.Elapsed < options.Duration && !cancellation.IsCancellationRequested; turn++)
            {
                string operation = Mix[turn % Mix.Length];
                string? piece;
                lock (pieces) piece = pieces.Count == 0 ? null : pieces[random.Next(pieces.Count)];
                if (piece is null && operation is "piece" or "notes") operation = "list";
                long begin = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using HttpResponseMessage response = operation switch
                    {
                        "list" => await http.GetAsync("/api/pieces?take=20", cancellation),
                        "piece" => await http.GetAsync($"/api/pieces/{piece}", cancellation),
                        "notes" => await http.GetAsync($"/api/pieces/{piece}/notes", cancellation),
                        "health" => await http.GetAsync("/healthz", cancellation),
                        _ => await http.PostAsJsonAsync("/api/generations",
                            new { bars = options.GenerationBars, candidates = 1, seed = Interlocked.Increment(ref started) }, cancellation),
                    };
                    await response.Content.LoadIntoBufferAsync(cancellation);
                    status = (int)response.StatusCode;
                    if (operation == "list" && response.StatusCode == HttpStatusCode.OK) AddPieces(pieces, await response.Content.ReadFromJsonAsync<JsonElement>(cancellation));
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    status = 0; // the client's own time-out: no answer within a minute
                }
                double ms = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                lock (samples) samples.Add((operation, status, ms));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(c => Task.Run(() => ClientAsync(c), cancellation)));
        double seconds = clock.Elapsed.TotalSeconds;
        memory.Sample();

        var generations = samples.Where(s => s.Operation == "generate").ToList();
        int refused = generations.Count(s => s.Status == 429);
        return new LoadTestReport(
            Math.Round(seconds, 2), options.Concurrency, samples.Count, Math.Round(samples.Count / seconds, 1),
            Percentile(samples.Select(s => s.Ms), 0.50), Percentile(samples.Select(s => s.Ms), 0.99), Math.Round(samples.Max(s => s.Ms), 1),
            samples.GroupBy(s => s.Status == 0 ? "failed" : s.Status.ToString(CultureInfo.InvariantCulture)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            samples.GroupBy(s => s.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new LoadTestOperation(g.Count(), Percentile(g.Select(s => s.Ms), 0.50), Percentile(g.Select(s => s.Ms), 0.99))),
            generations.Count, generations.Count(s => s.Status == 202), refused,
            generations.Count == 0 ? 0 : Math.Round((double)refused / generations.Count, 4),
            samples.Count(s => s.Status >= 500), samples.Count(s => s.Status == 0),
            memory.StartMb, memory.PeakMb, memory.LastMb);
    }

    private static async Task RefreshPiecesAsync(HttpClient http, List<string> pieces, CancellationToken cancellation)
    {
        using HttpResponseMessage response = await http.GetAsync("/api/pieces?take=200", cancellation);
        response.EnsureSuccessStatusCode();
        AddPieces(pieces, await response.Content.ReadFromJsonAsync<JsonElement>(cancellation));
    }

    private static void AddPieces(List<string> pieces, JsonElement page)
    {
        lock (pieces)
            foreach (JsonElement item in page.GetProperty("items").EnumerateArray())
                if (item.GetProperty("id").GetString() is { } id && !pieces.Contains(id)) pieces.Add(id);
    }

    /// <summary>The value below which <paramref name="fraction"/> of the values lie (nearest rank), in ms to 0.1.</summary>
    private static double Percentile(IEnumerable<double> values, double fraction)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        int rank = (int)Math.Ceiling(fraction * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 1);
    }

    /// <summary>The server's resident memory (VmRSS of /proc/{pid}/status), sampled every 100 ms while the test runs.</summary>
    private sealed class MemoryWatch : IDisposable
    {
        private readonly int? processId;
        private readonly Timer? timer;
        private readonly object gate = new();

        public MemoryWatch(int? processId)
        {
            this.processId = processId;
            Sample();
            StartMb = LastMb;
            if (processId is not null) timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }

        public double? StartMb { get; }
        public double? PeakMb { get; private set; }
        public double? LastMb { get; private set; }

        public void Sample()
        {
            if (processId is not { } pid) return;
            string? line;
            try
            {
                line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return; // the process ended
            }
            if (line is null || !double.TryParse(line["VmRSS:".Length..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out double kilobytes)) return;
            double mb = Math.Round(kilobytes / 1024, 1);
            lock (gate)
            {
                LastMb = mb;
                PeakMb = Math.Max(PeakMb ?? 0, mb);
            }
        }

        public void Dispose() => timer?.Dispose();
    }
}
