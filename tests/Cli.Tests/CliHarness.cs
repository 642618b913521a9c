using System.CommandLine;
using MusicCluster.Cli.Commands;
using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Cli.Tests;

/// <summary>Runs `musiccluster` commands in-process with captured output, as Program.cs wires them.</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(IPieceReader? midiReader, params string[] args) => RunAsync(midiReader, null, args);

    /// <summary>Runs a command with <paramref name="files"/> as the MIDI reader and writer of `generate`.</summary>
    public static Task<Result> RunWithFilesAsync(PieceFiles? files, params string[] args) => RunAsync(null, files, args);

    private static async Task<Result> RunAsync(IPieceReader? midiReader, PieceFiles? files, string[] args)
    {
        var root = new RootCommand("musiccluster (test)");
        root.Subcommands.Add(DatasetCommand.Create(midiReader));
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create(files));
        root.Subcommands.Add(ReferenceCommand.Create());
        root.Subcommands.Add(LibraryCommand.Create(new MusicCluster.Music.Training.CheckpointScoringModelSource()));
        root.Subcommands.Add(LoadTestCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await CliRunner.RunAsync(root, args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, null, args);

    /// <summary>Runs `score` and `eval` against the given model source, MIDI reader and metrics.</summary>
    public static async Task<Result> RunScoringAsync(IScoringModelSource models, IPieceReader? midiReader,
        Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics, params string[] args)
    {
        var root = new RootCommand("musiccluster (test)");
        root.Subcommands.Add(ScoreCommand.Create(models, midiReader));
        root.Subcommands.Add(EvalCommand.Create(models, metrics));
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await CliRunner.RunAsync(root, args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built tool (musiccluster.dll beside the tests) as a process, as a user would.</summary>
    public static Task<Result> RunBuiltToolAsync(params string[] args) => RunBuiltToolAsync(new Dictionary<string, string?>(), args);

    /// <param name="environment">Variables to set for the tool; a null value removes one it would inherit.</param>
    public static async Task<Result> RunBuiltToolAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "musiccluster.dll");
        // DOTNET_HOST_PATH is the dotnet running the tests (set by the SDK); "dotnet" on PATH otherwise.
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new System.Diagnostics.ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new Result(process.ExitCode, await output, await error);
    }
}
