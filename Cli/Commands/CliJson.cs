using System.Text.Json;

namespace MusicCluster.Cli.Commands;

/// <summary>The JSON settings of every `--json` output: camelCase, indented.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
