using System.CommandLine;

namespace MusicCluster.Cli.Commands;

/// <summary>Parses and runs a command line. Bad arguments exit with code 2 (after System.CommandLine's own message and help).</summary>
internal static class CliRunner
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration();
        if (output is not null) configuration.Output = output;
        if (error is not null) configuration.Error = error;
        var parse = root.Parse(args);
        int exitCode = await parse.InvokeAsync(configuration);
        return parse.Errors.Count > 0 ? UsageError : exitCode;
    }
}
