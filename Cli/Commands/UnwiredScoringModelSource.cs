using MusicCluster.Music.Scoring;

namespace MusicCluster.Cli.Commands;

/// <summary>Stands in until checkpoint loading (Music/Training's ModelCheckpoint) is wired into `score` and `eval`.</summary>
internal sealed class UnwiredScoringModelSource : IScoringModelSource
{
    public ScoringModel Load(string? model) =>
        throw new ScoringModelLoadException($"this build cannot load models yet (asked for {model ?? "the default model"}): checkpoint loading is not wired into the CLI");
}
