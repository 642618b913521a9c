using MusicCluster.Music.Data;

namespace MusicCluster.Cli.Commands;

/// <summary>What `dataset import` and `dataset synth` print with --json: the manifest without its vocabulary and hashes.</summary>
internal sealed record DatasetSummary(string Output, string SourceKind, string SourcePath, string Tokenizer, string VocabularyVersion, int VocabularySize,
    IReadOnlyList<DatasetSummary.SplitCounts> Splits, int SkippedCount, IReadOnlyList<SkippedFile> Skipped, IReadOnlyDictionary<string, string> Parameters)
{
    public sealed record SplitCounts(string Name, int SourcePieces, int Pieces, long Tokens, int Shards);

    public static DatasetSummary From(string output, DatasetManifest manifest) => new(
        output, manifest.Source.Kind, manifest.Source.Path, manifest.Tokenizer.Kind, manifest.Tokenizer.VocabularyVersion, manifest.Tokenizer.VocabularySize,
        manifest.Splits.Select(s => new SplitCounts(s.Name, s.SourcePieces, s.Pieces, s.Tokens, s.Shards.Count)).ToList(),
        manifest.Skipped.Count, manifest.Skipped, manifest.Parameters);
}
