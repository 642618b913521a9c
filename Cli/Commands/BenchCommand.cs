using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `bench`: measures throughput figures and prints them with the ratios between them, all taken in this one run on
/// this machine (benchmarks, not tests: nothing here passes or fails). `--quick` shrinks every measurement.
/// </summary>
internal static class BenchCommand
{
    /// <summary>One named group of figures; <c>Run</c> adds its keys to the shared result.</summary>
    private sealed record Section(string Name, Action<BenchSettings, IDictionary<string, double>> Run);

    private sealed record BenchSettings(bool Quick)
    {
        public TimeSpan MinimumTime => Quick ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(2);
        public TransformerConfig Model => Quick
            ? ModelBenchmarks.DefaultConfig with { Layers = 2, ModelWidth = 64, FeedForwardWidth = 128, ContextLength = 128, Heads = 2 }
            : ModelBenchmarks.DefaultConfig;
    }

    private static readonly Section[] Sections =
    [
        new("midi", (settings, figures) => figures["midiParseMBps"] =
            MidiBenchmarks.MeasureParseThroughput(files: settings.Quick ? 4 : 32, minimumDuration: settings.MinimumTime).MegabytesPerSecond),
        new("tokenize", MeasureTokenization),
        new("gemm", (settings, figures) => figures["gemmGflops"] = ModelBenchmarks.GemmGflops(settings.Quick ? 256 : 1024, settings.Quick ? 3 : 10,
            minimumTime: TimeSpan.FromSeconds(settings.Quick ? 0.3 : 3))),
        new("train", MeasureTraining),
        new("generate", MeasureGeneration),
        new("score", MeasureScoring),
        new("sessions", (settings, figures) => SessionsBenchmark.Measure(bars: settings.Quick ? 1 : 4, rounds: settings.Quick ? 1 : SessionsBenchmark.Rounds, figures)),
        new("dataparallel", (settings, figures) => DataParallelBenchmark.Measure(settings.Quick, figures)),
        new("threads", (settings, figures) => ThreadsBenchmark.Measure(settings.Model, settings.Quick, figures)),
    ];

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var quick = new Option<bool>("--quick") { Description = "Small sizes and short timings (a smoke run, not figures to quote)" };
        var only = new Option<string[]>("--only")
        {
            Description = $"Run only these sections: {string.Join(", ", Sections.Select(s => s.Name))}",
            AllowMultipleArgumentsPerToken = true
        };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: OMP_NUM_THREADS, else half the cores, at least 1)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 256) r.AddError("--threads must be from 1 to 256"); });
        var command = new Command("bench", "Measure MIDI, tokenizer, matrix, training, generation and scoring throughput, " +
            "and generation through grains") { json, quick, only, threads };
        command.SetAction(parse => Run(parse.GetValue(json), parse.GetValue(quick), parse.GetValue(only) ?? [], parse.GetValue(threads)));
        return command;
    }

    private static int Run(bool json, bool quick, string[] only, int? threads)
    {
        string[] unknown = only.Where(name => Sections.All(s => s.Name != name)).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"bench: unknown section(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Sections.Select(s => s.Name))}");
            return 2;
        }
        var settings = new BenchSettings(quick);
        var figures = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (threads is int n) TorchThreads.Use(n);
        // The machine the figures were taken on: every figure below is read against these.
        CpuPeak peak = CpuPeak.Detect();
        figures["torchThreads"] = TorchSharp.torch.get_num_threads();
        figures["cpuCores"] = peak.Cores;
        if (double.IsFinite(peak.Gflops))
        {
            figures["cpuClockGhz"] = peak.ClockGhz;
            figures["cpuFmaPeakGflops"] = peak.Gflops;
            figures["cpuFmaPeakGflopsAvx2"] = peak.Avx2Gflops;
        }
        if (!json)
        {
            AnsiConsole.MarkupLine($"libtorch threads: {Markup.Escape(TorchThreads.Describe())}");
            AnsiConsole.MarkupLine($"CPU FMA peak: {Markup.Escape(peak.ToString())}");
        }
        var selected = Sections.Where(s => only.Length == 0 || only.Contains(s.Name)).ToList();
        if (json)
            foreach (Section section in selected) section.Run(settings, figures);
        else
            AnsiConsole.Progress().AutoClear(true).Start(context =>
            {
                var task = context.AddTask("bench", maxValue: selected.Count);
                foreach (Section section in selected)
                {
                    task.Description = section.Name;
                    section.Run(settings, figures);
                    task.Increment(1);
                }
            });
        AddRatios(figures, peak);

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(figures, CliJson.Options));
        else
        {
            var table = new Table().AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
            foreach (var (name, value) in figures) table.AddRow(name, value.ToString(value >= 100 ? "N0" : "G4"));
            AnsiConsole.Write(table);
        }
        return 0;
    }

    /// <summary>Ratios between figures of this run (the only comparisons a benchmark on a shared machine supports), and against the CPU's FMA peak.</summary>
    private static void AddRatios(IDictionary<string, double> figures, CpuPeak peak)
    {
        if (!figures.TryGetValue("trainFlopsPerSec", out double flops)) return;
        if (figures.TryGetValue("gemmGflops", out double gemm) && gemm > 0)
            figures["trainMfu"] = flops / (gemm * 1e9);
        if (double.IsFinite(peak.Gflops) && peak.Gflops > 0)
            figures["trainHardwareShare"] = flops / (peak.Gflops * 1e9);
    }

    private static void MeasureTokenization(BenchSettings settings, IDictionary<string, double> figures)
    {
        var pieces = SyntheticCorpus.Generate(settings.Quick ? 20 : 300, seed: 1);
        foreach (TokenizerBenchmarkResult result in TokenizerBenchmarks.MeasureTokensPerSecond(pieces, settings.MinimumTime))
        {
            string key = result.VocabularyVersion.Split('-')[0] switch { "jsb" => "jsbGrid", _ => result.Tokenizer.Contains("48") ? "event48" : "event" };
            figures[$"tokenize.{key}.encodeTokensPerSec"] = result.EncodeTokensPerSecond;
            figures[$"tokenize.{key}.decodeTokensPerSec"] = result.DecodeTokensPerSecond;
        }
        if (figures.TryGetValue("tokenize.event.encodeTokensPerSec", out double events)) figures["tokenizeTokensPerSec"] = events;
    }

    private static void MeasureTraining(BenchSettings settings, IDictionary<string, double> figures)
    {
        TrainingBenchmark training = ModelBenchmarks.MeasureTraining(settings.Model, batchSize: settings.Quick ? 2 : 8,
            sequenceLength: settings.Quick ? 32 : 128, steps: settings.Quick ? 2 : 5);
        figures["trainTokensPerSec"] = training.TokensPerSecond;
        figures["trainFlopsPerSec"] = training.FlopsPerSecond;
    }

    private static void MeasureGeneration(BenchSettings settings, IDictionary<string, double> figures)
    {
        // A whole context window: 511 new tokens after a one-token primer fill the 512 positions.
        GenerationBenchmark generation = ModelBenchmarks.MeasureGeneration(settings.Model, newTokens: settings.Quick ? 16 : settings.Model.ContextLength - 1);
        figures["generateTokensPerSecWithKvCache"] = generation.TokensPerSecondWithCache;
        figures["generateTokensPerSecWithoutKvCache"] = generation.TokensPerSecondWithoutCache;
        figures["kvCacheSpeedup"] = generation.KvCacheSpeedup;
        figures["kvCacheSpeedupTokens"] = generation.NewTokens + 1;
        // The first token of an event sequence starts the first note: time to it is what a listener waits for
        // (lower is better). Cold: the first sampling call of a freshly built model; warm: the same call again.
        figures["firstNoteMsCold"] = generation.FirstTokenMillisecondsCold;
        figures["firstNoteMsWarm"] = generation.FirstTokenMilliseconds;
    }

    private static void MeasureScoring(BenchSettings settings, IDictionary<string, double> figures)
    {
        foreach (int batch in new[] { 1, 32 })
        {
            CriticBenchmark critic = ModelBenchmarks.MeasureCriticWindows(settings.Model, batch, windowLength: settings.Quick ? 16 : 64, windows: settings.Quick ? 32 : 64);
            figures[$"scoreWindowsPerSecBatch{batch}"] = critic.WindowsPerSecond;
            // End to end through CriticScorer (bar finding, 4-bar windows of synthetic pieces, batching, calibration):
            // what a live meter (batch 1) and a scoring job (batch 32) get, next to the critic's raw forward passes above.
            ScoreWindowsBenchmark scorer = CriticScorerBenchmarks.MeasureScoreWindows(settings.Model, batch, pieces: settings.Quick ? 2 : 12);
            figures[$"scoreEndToEndWindowsPerSecBatch{batch}"] = scorer.WindowsPerSecond;
            figures["scoreEndToEndMeanWindowTokens"] = scorer.MeanWindowTokens;
        }
    }
}
