using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Hosting;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Grains.Models;
using MusicCluster.Music.Models;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// Generation through grains against the model's own batched loop: a silo in this process (localhost clustering on free
/// ports, a temporary data folder, the starter library's seeding off so that nothing else generates meanwhile), 1, 8
/// and 32 concurrent GenerationSessions with the shipped model, and as many pieces sampled together by the sampler's
/// batched loop on this thread (no grains). Ratios, each higher-is-better: grainPathEfficiency = sessions.1 / plain.1,
/// batchSpeedup32 = sessions.32 / sessions.1, sessionsEfficiency32 = sessions.32 / plain.32.
/// A 4-bar piece takes about a fifth of a second, so one piece per figure measures noise: every path is warmed first,
/// then the three paths run in interleaved rounds (plain, engine and sessions for 1, 8 and 32 pieces each round), so a
/// drift in the machine's load falls on all of them alike, and each figure is the median of its rounds.
/// </summary>
internal static class SessionsBenchmark
{
    public static readonly int[] Concurrency = [1, 8, 32];

    /// <summary>Rounds of every path and size (one with --quick).</summary>
    public const int Rounds = 7;

    /// <summary>Figures: sessionsTokensPerSec.{n}, engineTokensPerSec.{n}, engineUnscoredTokensPerSec.{n} and plainBatchTokensPerSec.{n} (new tokens of all n pieces / wall time
    /// from first start to last end, the median of the rounds), and the ratios above.</summary>
    public static void Measure(int bars, int rounds, IDictionary<string, double> figures)
    {
        string data = Path.Combine(Path.GetTempPath(), $"musiccluster-bench-{Guid.NewGuid():N}");
        try
        {
            Task.Run(() => MeasureAsync(bars, rounds, data, figures)).GetAwaiter().GetResult();
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task MeasureAsync(int bars, int rounds, string data, IDictionary<string, double> figures)
    {
        int silo = FreePort(), gateway = FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // stdout carries the figures
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "Localhost",
            ["Cluster:SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:PrimarySiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = $"bench-{Guid.NewGuid():N}",
            ["MusicCluster:DataPath"] = data,
            ["MusicCluster:Library:SeedCount"] = "0",
        });
        builder.UseOrleans(s => s.AddMusicClusterSilo(builder.Configuration));
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            string path = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("this build carries no shipped model");
            using var checkpoint = ModelCheckpoint.LoadFile(path);
            // The engine alone (a model worker, no grains), with its live bar scores and without: splits what the grain
            // path loses into the critic's part (scoring every bar, which the plain loop does not do), the engine's own
            // and the grains' part (progress, notes, observers, storing the piece).
            using var worker = await EngineWorkerAsync(Path.Combine(data, "engine"), torchThreads: null);

            // Every path and size run once untimed first: models loaded, and the loops' code through the JIT's tiers
            // (one warm call per path left the first timed rounds 20-40% slower than the rest).
            foreach (int n in Concurrency)
            {
                PlainBatch(checkpoint, n, bars);
                await EngineAsync(worker, n, bars);
                await EngineAsync(worker, n, bars, liveScore: false);
                await SessionsAsync(grains, n, bars, seed: 999);
            }

            var samples = new RoundSamples();
            for (int round = 0; round < rounds; round++)
                foreach (int n in Concurrency)
                {
                    samples.Add($"plainBatchTokensPerSec.{n}", PlainBatch(checkpoint, n, bars));
                    samples.Add($"engineTokensPerSec.{n}", await EngineAsync(worker, n, bars));
                    samples.Add($"engineUnscoredTokensPerSec.{n}", await EngineAsync(worker, n, bars, liveScore: false));
                    samples.Add($"sessionsTokensPerSec.{n}", await SessionsAsync(grains, n, bars, seed: 1));
                }
            foreach (string name in samples.Names) figures[name] = samples.Median(name);
            figures["grainPathEfficiency"] = figures["sessionsTokensPerSec.1"] / figures["plainBatchTokensPerSec.1"];
            figures["batchSpeedup32"] = figures["sessionsTokensPerSec.32"] / figures["sessionsTokensPerSec.1"];
            figures["sessionsEfficiency32"] = figures["sessionsTokensPerSec.32"] / figures["plainBatchTokensPerSec.32"];
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A model worker (the silo's engine, no grains) on the shipped model, loaded from a blob store in <paramref name="folder"/>.</summary>
    /// <param name="torchThreads">The worker's libtorch threads; null: the process's rule.</param>
    internal static async Task<ModelWorker> EngineWorkerAsync(string folder, int? torchThreads) =>
        new(await new ModelLoader(new Music.Storage.LocalFolderBlobStore(folder)).LoadAsync(ShippedModelEntry.Ref), 64, torchThreads: torchThreads);

    /// <summary>New tokens per second of <paramref name="count"/> pieces of <paramref name="bars"/> bars sampled together by <see cref="Sampler.SampleBatch"/>, as sessions sample
    /// them (one candidate).</summary>
    internal static double PlainBatch(ModelCheckpoint checkpoint, int count, int bars)
    {
        var tokenizer = Music.Tokens.TokenizerFactory.FromVocabulary(checkpoint.Info.Vocabulary);
        int[] primer = PieceGeneration.PrimerTokens(tokenizer, null, checkpoint.Generator.Config.ContextLength);
        var options = new SamplingOptions { Seed = 1, Temperature = GenerationRequest.DefaultTemperature, MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, bars) };
        var primers = Enumerable.Repeat<IReadOnlyList<int>>(primer, count).ToList();
        var constraints = Enumerable.Range(0, count).Select(_ => PieceGeneration.ConstraintFor(tokenizer, bars)).ToList();
        var watch = Stopwatch.StartNew();
        var pieces = Sampler.SampleBatch(checkpoint.Generator, primers, options, constraints);
        return pieces.Sum(p => p.Tokens.Count - primer.Length) / watch.Elapsed.TotalSeconds;
    }

    /// <summary>New tokens per second of <paramref name="count"/> pieces posted at once to a model worker, as sessions post them.</summary>
    internal static async Task<double> EngineAsync(ModelWorker worker, int count, int bars, bool liveScore = true)
    {
        var tokenizer = worker.Model.Tokenizer;
        int[] primer = PieceGeneration.PrimerTokens(tokenizer, null, worker.Model.Generator.Config.ContextLength);
        var options = new SamplingOptions { Temperature = GenerationRequest.DefaultTemperature, MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, bars) };
        var watch = Stopwatch.StartNew();
        var jobs = Enumerable.Range(0, count)
            .Select(i => worker.Generate(primer, options with { Seed = 1 + i }, PieceGeneration.ConstraintFor(tokenizer, bars), liveScore: liveScore))
            .ToArray();
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));
        return outcomes.Sum(o => o.Sequence.Tokens.Count - primer.Length) / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// New tokens per second of <paramref name="count"/> sessions started at once, each followed as a page follows it (a
    /// <see cref="GenerationWatch"/> on its updates) to its last update: the piece stored and the session Completed. The
    /// time ends at the last session's last update (closing the watches afterwards is not the sessions' time).
    /// </summary>
    private static async Task<double> SessionsAsync(IGrainFactory grains, int count, int bars, long seed)
    {
        long started = Stopwatch.GetTimestamp();
        var ended = await Task.WhenAll(Enumerable.Range(0, count).Select(i => RunSessionAsync(grains, new GenerationRequest(bars, Seed: seed + i, Candidates: 1))));
        return ended.Sum(e => e.Tokens) / Stopwatch.GetElapsedTime(started, ended.Max(e => e.At)).TotalSeconds;
    }

    /// <summary>Starts one session; its new tokens and the time its last update (Completed) arrived.</summary>
    private static async Task<(long Tokens, long At)> RunSessionAsync(IGrainFactory grains, GenerationRequest request)
    {
        Guid id = Guid.NewGuid();
        await grains.GetGrain<IGenerationSessionGrain>(id).StartAsync(request);
        GenerationUpdate? last = null;
        long at = 0;
        Task Take(GenerationUpdate update)
        {
            last = update;
            at = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        }
        await using (var follow = await GenerationWatch.StartAsync(grains, id, 0, Take, TimeSpan.FromMinutes(1)))
            await follow.Completion;
        if (last?.Status is not GenerationStatus.Completed)
            throw new InvalidOperationException($"bench session ended {last?.Status}: {last?.Error}");
        return (last.Tokens, at);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
