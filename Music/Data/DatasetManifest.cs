using System.Text.Json;
using System.Text.Json.Serialization;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>
/// <c>manifest.json</c> of a dataset folder: where the data came from, how it was made, the vocabulary its tokens
/// belong to, and per split the shards with their counts and SHA-256. A dataset is immutable: the hashes let a
/// reader (and a checkpoint that records the manifest's hash) tell when a shard changed.
/// </summary>
public sealed record DatasetManifest
{
    public const string FileName = "manifest.json";
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public DateTimeOffset CreatedAt { get; init; }
    public required DatasetSource Source { get; init; }
    public required TokenizerSummary Tokenizer { get; init; }
    public required VocabularyDocument Vocabulary { get; init; }
    /// <summary>The options the dataset was made with (augmentation, split rule, seed...), as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyList<SplitSummary> Splits { get; init; }
    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    public SplitSummary? Split(string name) => Splits.FirstOrDefault(s => s.Name == name);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Readable token names ("<bos>") in files; nothing here is embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>Source kind ("midi-folder", "jsb-json", "synthetic"), its path, and for a single source file its SHA-256.</summary>
public sealed record DatasetSource(string Kind, string Path, string? Sha256 = null, int? Files = null)
{
    public const string MidiFolder = "midi-folder", JsbJson = "jsb-json", Synthetic = "synthetic";
}

public sealed record TokenizerSummary(string Kind, string VocabularyVersion, int VocabularySize);

/// <summary>A split's totals and shards. <see cref="Pieces"/> counts token sequences, transposed copies included;
/// <see cref="SourcePieces"/> counts the pieces they came from.</summary>
public sealed record SplitSummary(string Name, int SourcePieces, int Pieces, long Tokens, IReadOnlyList<ShardSummary> Shards);

public sealed record ShardSummary(string File, int Pieces, long Tokens, long Bytes, string Sha256);

/// <summary>A source file the import could not use, and why.</summary>
public sealed record SkippedFile(string Path, string Reason);
