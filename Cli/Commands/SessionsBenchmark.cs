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
/// </summary>
internal static class SessionsBenchmark
{
    public static readonly int[] Concurrency = [1, 8, 32];

    /// <summary>Figures: sessionsTokensPerSec.{n} and plainBatchTokensPerSec.{n} (new tokens of all n pieces / wall time from first start to last end), and the ratios
    /// above.</summary>
    public static void Measure(int bars, IDictionary<string, double> figures)
    {
        string data = Path.Combine(Path.GetTempPath(), $"musiccluster-bench-{Guid.NewGuid():N}");
        try
        {
            Task.Run(() => MeasureAsync(bars, data, figures)).GetAwaiter().GetResult();
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task MeasureAsync(int bars, string data, IDictionary<string, double> figures)
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
            // Load the model once before timing: every run below finds it in memory.
            await RunSessionsAsync(grains, 1, bars, seed: 999);
            foreach (int n in Concurrency)
                figures[$"sessionsTokensPerSec.{n}"] = await RunSessionsAsync(grains, n, bars, seed: 1);

            string path = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("this build carries no shipped model");
            using var checkpoint = ModelCheckpoint.LoadFile(path);
            foreach (int n in Concurrency)
                figures[$"plainBatchTokensPerSec.{n}"] = PlainBatch(checkpoint, n, bars);
            // The engine alone (a model worker with its live bar scores, no grains): splits what the grain path
            // loses into the engine's part and the grains' part (progress, notes, observers, storing the piece).
            using (var worker = new ModelWorker(await new ModelLoader(new Music.Storage.LocalFolderBlobStore(Path.Combine(data, "engine"))).LoadAsync(ShippedModelEntry.Ref), 64))
            {
                await EngineAsync(worker, 1, bars); // warm, as the sessions' figures are: the worker's first call JIT-compiles its loop
                foreach (int n in Concurrency)
                    figures[$"engineTokensPerSec.{n}"] = await EngineAsync(worker, n, bars);
            }
            figures["grainPathEfficiency"] = figures["sessionsTokensPerSec.1"] / figures["plainBatchTokensPerSec.1"];
            figures["batchSpeedup32"] = figures["sessionsTokensPerSec.32"] / figures["sessionsTokensPerSec.1"];
            figures["sessionsEfficiency32"] = figures["sessionsTokensPerSec.32"] / figures["plainBatchTokensPerSec.32"];
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>New tokens per second of <paramref name="count"/> pieces of <paramref name="bars"/> bars sampled together by <see cref="Sampler.SampleBatch"/>, as sessions sample
    /// them (one candidate).</summary>
    private static double PlainBatch(ModelCheckpoint checkpoint, int count, int bars)
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
    private static async Task<double> EngineAsync(ModelWorker worker, int count, int bars)
    {
        var tokenizer = worker.Model.Tokenizer;
        int[] primer = PieceGeneration.PrimerTokens(tokenizer, null, worker.Model.Generator.Config.ContextLength);
        var options = new SamplingOptions { Temperature = GenerationRequest.DefaultTemperature, MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, bars) };
        var watch = Stopwatch.StartNew();
        var jobs = Enumerable.Range(0, count).Select(i => worker.Generate(primer, options with { Seed = 1 + i }, PieceGeneration.ConstraintFor(tokenizer, bars))).ToArray();
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));
        return outcomes.Sum(o => o.Sequence.Tokens.Count - primer.Length) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> RunSessionsAsync(IGrainFactory grains, int count, int bars, long seed)
    {
        var sessions = Enumerable.Range(0, count).Select(_ => grains.GetGrain<IGenerationSessionGrain>(Guid.NewGuid())).ToArray();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(sessions.Select((s, i) => s.StartAsync(new GenerationRequest(bars, Seed: seed + i, Candidates: 1))));
        long tokens = 0;
        foreach (var session in sessions)
        {
            while (true)
            {
                GenerationSnapshot snapshot = (await session.GetAsync())!;
                if (snapshot.Status is GenerationStatus.Completed) { tokens += snapshot.Tokens; break; }
                if (snapshot.Status is not GenerationStatus.Running)
                    throw new InvalidOperationException($"bench session ended {snapshot.Status}: {snapshot.Error}");
                await Task.Delay(10);
            }
        }
        return tokens / watch.Elapsed.TotalSeconds;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
