using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>
/// Writes a dataset folder: token shards per split (a new shard every <see cref="MaxTokensPerShard"/> tokens) and
/// the manifest. Everything is written to a sibling ".partial" folder that is renamed into place by
/// <see cref="Complete"/>, so an import that fails or is cancelled leaves no half dataset behind.
/// </summary>
public sealed class DatasetWriter : IDisposable
{
    public const long DefaultMaxTokensPerShard = 1L << 24;

    private readonly string _outputFolder;
    private readonly string _workFolder;
    private readonly Vocabulary _vocabulary;
    private readonly Dictionary<string, SplitState> _splits = DatasetSplits.All.ToDictionary(s => s, _ => new SplitState());
    private bool _completed;

    private sealed class SplitState
    {
        public TokenShardWriter? Open;
        public readonly List<ShardSummary> Shards = [];
        public readonly HashSet<string> Sources = [];
    }

    public DatasetWriter(string outputFolder, Vocabulary vocabulary, long maxTokensPerShard = DefaultMaxTokensPerShard)
    {
        _outputFolder = Path.GetFullPath(outputFolder);
        if (File.Exists(_outputFolder)) throw new IOException($"Output path {_outputFolder} is a file, not a folder");
        if (Directory.Exists(_outputFolder) && Directory.EnumerateFileSystemEntries(_outputFolder).Any())
            throw new IOException($"Output folder {_outputFolder} is not empty; a dataset is immutable, so choose a new folder");
        _workFolder = _outputFolder.TrimEnd(Path.DirectorySeparatorChar) + $".partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(_workFolder);
        _vocabulary = vocabulary;
        MaxTokensPerShard = maxTokensPerShard > 0 ? maxTokensPerShard : throw new ArgumentOutOfRangeException(nameof(maxTokensPerShard));
    }

    public long MaxTokensPerShard { get; }

    /// <summary>Adds one token sequence. <paramref name="source"/> identifies the piece it came from (several
    /// transposed sequences share one), <paramref name="label"/> this sequence.</summary>
    public void Add(string split, string source, string label, ReadOnlySpan<int> tokens)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (!_splits.TryGetValue(split, out var state)) throw new ArgumentException($"Unknown split '{split}'", nameof(split));
        if (state.Open is not null && state.Open.TokenCount > 0 && state.Open.TokenCount + tokens.Length > MaxTokensPerShard) CloseShard(split, state);
        state.Open ??= new TokenShardWriter(Path.Combine(_workFolder, $"{split}-{state.Shards.Count:D3}{TokenShardFormat.Extension}"), _vocabulary.Count);
        state.Open.Append(label, tokens);
        state.Sources.Add(source);
    }

    private static void CloseShard(string split, SplitState state)
    {
        var shard = state.Open!;
        var (sha256, bytes) = shard.Complete();
        state.Shards.Add(new ShardSummary(Path.GetFileName(shard.Path), shard.PieceCount, shard.TokenCount, bytes, sha256));
        state.Open = null;
    }

    /// <summary>Closes the shards, writes the manifest and moves the dataset into its folder.</summary>
    public DatasetManifest Complete(DatasetSource source, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<SkippedFile> skipped)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var splits = new List<SplitSummary>();
        foreach (string name in DatasetSplits.All)
        {
            var state = _splits[name];
            if (state.Open is not null) CloseShard(name, state);
            splits.Add(new SplitSummary(name, state.Sources.Count, state.Shards.Sum(s => s.Pieces), state.Shards.Sum(s => s.Tokens), state.Shards.ToList()));
        }
        var manifest = new DatasetManifest
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Source = source,
            Tokenizer = new TokenizerSummary(_vocabulary.Kind, _vocabulary.Version, _vocabulary.Count),
            Vocabulary = _vocabulary.ToDocument(),
            Parameters = new SortedDictionary<string, string>(parameters.ToDictionary(), StringComparer.Ordinal),
            Splits = splits,
            Skipped = skipped.ToList(),
        };
        File.WriteAllText(Path.Combine(_workFolder, DatasetManifest.FileName), manifest.ToJson());
        if (Directory.Exists(_outputFolder)) Directory.Delete(_outputFolder);
        Directory.Move(_workFolder, _outputFolder);
        _completed = true;
        return manifest;
    }

    public void Dispose()
    {
        if (_completed) return;
        _completed = true;
        foreach (var state in _splits.Values) state.Open?.Dispose();
        try { Directory.Delete(_workFolder, recursive: true); }
        catch (IOException) { /* best effort: a leftover .partial folder is harmless and clearly named */ }
    }
}
