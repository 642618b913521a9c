using System.CommandLine;
using MusicCluster.Cli.Commands;
using MusicCluster.Music.Data;

namespace MusicCluster.Cli.Tests;

/// <summary>Runs `musiccluster` commands in-process with captured output, as Program.cs wires them.</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(IPieceReader? midiReader, params string[] args)
    {
        var root = new RootCommand("musiccluster (test)");
        root.Subcommands.Add(DatasetCommand.Create(midiReader));
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await CliRunner.RunAsync(root, args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);
}
