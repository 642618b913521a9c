using System.CommandLine;

namespace MusicCluster.Cli.Commands;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text" };
}
