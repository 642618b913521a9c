using System.Security.Cryptography;
using System.Text.Json;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>One token sequence of a dataset: its label (source file, "train[3]", "+2" for a transposition) and tokens.</summary>
public sealed record TokenSequence(string Label, int[] Tokens);

/// <summary>
/// A dataset folder opened for training and evaluation: the manifest, its vocabulary, and the token sequences of
/// each split. Opening checks the manifest against the shards (names, counts, SHA-256), so a changed or damaged
/// dataset is refused with <see cref="DatasetFormatException"/> before training reads from it.
/// </summary>
public sealed class TokenDataset
{
    private readonly Dictionary<string, List<TokenShard>> _shards;

    private TokenDataset(string folder, DatasetManifest manifest, Vocabulary vocabulary, Dictionary<string, List<TokenShard>> shards)
    {
        Folder = folder;
        Manifest = manifest;
        Vocabulary = vocabulary;
        _shards = shards;
    }

    public string Folder { get; }

    public DatasetManifest Manifest { get; }

    public Vocabulary Vocabulary { get; }

    public ITokenizer CreateTokenizer() => TokenizerFactory.FromVocabulary(Vocabulary);

    public static TokenDataset Open(string folder, bool verifyHashes = true)
    {
        string root = Path.GetFullPath(folder);
        string manifestPath = Path.Combine(root, DatasetManifest.FileName);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"{root} is not a dataset folder: it has no {DatasetManifest.FileName}", manifestPath);
        DatasetManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(manifestPath), DatasetManifest.JsonOptions)
                ?? throw new DatasetFormatException(manifestPath, "the manifest is null");
        }
        catch (JsonException e)
        {
            // JsonException carries a line and a position in that line (in its message), not a file offset.
            throw new DatasetFormatException(manifestPath, $"the manifest is not valid: {e.Message}", e.Path, inner: e);
        }
        if (manifest.Tokenizer is null || manifest.Vocabulary is null || manifest.Splits is null || manifest.Source is null)
            throw new DatasetFormatException(manifestPath, "the manifest lacks source, tokenizer, vocabulary or splits");
        if (manifest.FormatVersion != DatasetManifest.CurrentFormatVersion)
            throw new DatasetFormatException(manifestPath, $"manifest format version {manifest.FormatVersion}; this build reads {DatasetManifest.CurrentFormatVersion}",
                "formatVersion");

        Vocabulary vocabulary;
        try { vocabulary = Vocabulary.FromDocument(manifest.Vocabulary); }
        catch (InvalidVocabularyException e) { throw new DatasetFormatException(manifestPath, e.Message, "vocabulary", inner: e); }
        if (manifest.Tokenizer.VocabularyVersion != vocabulary.Version)
            throw new DatasetFormatException(manifestPath,
                $"tokenizer.vocabularyVersion {manifest.Tokenizer.VocabularyVersion} differs from the embedded vocabulary {vocabulary.Version}", "tokenizer.vocabularyVersion");

        var shards = new Dictionary<string, List<TokenShard>>();
        foreach (var split in manifest.Splits)
        {
            if (split is null || !DatasetSplits.All.Contains(split.Name) || shards.ContainsKey(split.Name))
                throw new DatasetFormatException(manifestPath, $"split '{split?.Name}' is unknown or listed twice", "splits");
            var opened = new List<TokenShard>();
            foreach (var (shard, index) in (split.Shards ?? []).Select((s, i) => (s, i)))
            {
                string location = $"splits[{split.Name}].shards[{index}]";
                if (shard is null) throw new DatasetFormatException(manifestPath, "a shard entry is null", location);
                if (string.IsNullOrEmpty(shard.File) || shard.File != Path.GetFileName(shard.File) || shard.File is "." or "..")
                    throw new DatasetFormatException(manifestPath, $"shard name '{shard.File}' is not a plain file name", location);
                string path = Path.Combine(root, shard.File);
                if (!File.Exists(path)) throw new DatasetFormatException(manifestPath, $"shard {shard.File} is missing", location);
                if (verifyHashes)
                {
                    string actual;
                    using (var stream = File.OpenRead(path)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                    if (!string.Equals(actual, shard.Sha256, StringComparison.OrdinalIgnoreCase))
                        throw new DatasetFormatException(path, $"SHA-256 is {actual} but the manifest records {shard.Sha256}: the shard changed or is damaged", location);
                }
                var opened1 = TokenShard.Open(path);
                if (opened1.PieceCount != shard.Pieces || opened1.TokenCount != shard.Tokens || opened1.Header.VocabularySize != vocabulary.Count)
                    throw new DatasetFormatException(path, $"holds {opened1.PieceCount} pieces, {opened1.TokenCount} tokens, vocabulary size {opened1.Header.VocabularySize}; " +
                        $"the manifest says {shard.Pieces}, {shard.Tokens}, {vocabulary.Count}", location);
                opened.Add(opened1);
            }
            shards[split.Name] = opened;
        }
        return new TokenDataset(root, manifest, vocabulary, shards);
    }

    public IReadOnlyList<string> SplitNames => _shards.Keys.ToList();

    /// <summary>The token sequences of a split, shard by shard, in the order they were written.</summary>
    public IEnumerable<TokenSequence> ReadSplit(string split)
    {
        if (!_shards.TryGetValue(split, out var shards)) throw new ArgumentException($"The dataset has no split '{split}' (it has {string.Join(", ", _shards.Keys)})",
            nameof(split));
        foreach (var shard in shards)
            foreach (var (label, tokens) in shard.ReadAll())
                yield return new TokenSequence(label, tokens);
    }

    /// <summary>The split's sequences decoded into pieces with the dataset's own tokenizer.</summary>
    public IEnumerable<(string Label, Piece Piece)> ReadPieces(string split)
    {
        var tokenizer = CreateTokenizer();
        foreach (var sequence in ReadSplit(split)) yield return (sequence.Label, tokenizer.Decode(sequence.Tokens));
    }
}
