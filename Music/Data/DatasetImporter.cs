using System.Security.Cryptography;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>
/// Makes dataset folders (<see cref="DatasetWriter"/>) from a MIDI folder, the JSB Chorales JSON, or the synthetic
/// corpus. Imports are deterministic: the same input and options give byte-identical shards.
/// </summary>
public static class DatasetImporter
{
    public static IReadOnlyList<string> MidiExtensions { get; } = [".mid", ".midi"];

    /// <summary>
    /// Imports every .mid/.midi file under <paramref name="folder"/> (recursively, in ordinal order of relative path),
    /// split 80/10/10 by a hash of the relative path. A file that <paramref name="reader"/> cannot read, or that holds
    /// nothing the tokenizer can use, is skipped and listed in the manifest with the reason; the import goes on.
    /// </summary>
    public static DatasetManifest ImportMidiFolder(string folder, string outputFolder, IPieceReader reader, ImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"MIDI folder {root} does not exist");
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(path => MidiExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Select(path => (Full: path, Relative: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .OrderBy(file => file.Relative, StringComparer.Ordinal)
            .ToList();

        var tokenizer = options.CreateTokenizer();
        using var writer = new DatasetWriter(outputFolder, tokenizer.Vocabulary, options.MaxTokensPerShard);
        var skipped = new List<SkippedFile>();
        // Files are read and tokenized in parallel a batch at a time, and written in file order, so the shards do
        // not depend on scheduling.
        int parallelism = Math.Max(1, options.Parallelism), batchSize = parallelism * 8;
        var batch = new PreparedPiece[batchSize];
        for (int first = 0; first < files.Count; first += batchSize)
        {
            int count = Math.Min(batchSize, files.Count - first);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, i =>
            {
                var (full, relative) = files[first + i];
                string split = DatasetSplits.ForRelativePath(relative);
                try
                {
                    batch[i] = Prepare(tokenizer, split, relative, reader.Read(full), options);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    batch[i] = new PreparedPiece(split, relative, [], e.Message);
                }
            });
            for (int i = 0; i < count; i++)
            {
                progress?.Report(new ImportProgress(first + i, files.Count, batch[i].Source));
                Write(writer, batch[i], skipped);
            }
        }
        progress?.Report(new ImportProgress(files.Count, files.Count, ""));
        var parameters = options.Describe();
        parameters["split"] = DatasetSplits.Rule;
        parameters["extensions"] = string.Join(",", MidiExtensions);
        return writer.Complete(new DatasetSource(DatasetSource.MidiFolder, root, Files: files.Count), parameters, skipped);
    }

    /// <summary>
    /// Imports the JSB Chorales JSON with its own train/valid/test split, as grid tokens (the Music Transformer
    /// serialization) or event tokens. A malformed file throws <see cref="DatasetFormatException"/> before anything
    /// is written.
    /// </summary>
    public static DatasetManifest ImportJsb(string jsonPath, string outputFolder, ImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string path = Path.GetFullPath(jsonPath);
        var corpus = JsbJsonReader.ReadFile(path);
        string sha256;
        using (var stream = File.OpenRead(path)) sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));

        var tokenizer = options.CreateTokenizer();
        using var writer = new DatasetWriter(outputFolder, tokenizer.Vocabulary, options.MaxTokensPerShard);
        var skipped = new List<SkippedFile>();
        int total = corpus.Splits.Values.Sum(pieces => pieces.Count), done = 0;
        foreach (string split in DatasetSplits.All)
        {
            var pieces = corpus.Splits[split];
            for (int i = 0; i < pieces.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string label = $"{split}[{i}]";
                progress?.Report(new ImportProgress(done++, total, label));
                writer.Add(split, label, label, EncodeGrid(tokenizer, pieces[i]));
                if (!options.Augment || split != DatasetSplits.Train) continue;
                foreach (int shift in options.Transpositions.Where(s => s != 0))
                    if (pieces[i].Transpose(shift) is { } transposed)
                        writer.Add(split, label, $"{label} {shift:+0;-0}", EncodeGrid(tokenizer, transposed));
            }
        }
        progress?.Report(new ImportProgress(total, total, ""));
        var parameters = options.Describe();
        parameters["split"] = "as given in the file (train, valid, test)";
        return writer.Complete(new DatasetSource(DatasetSource.JsbJson, path, sha256), parameters, skipped);
    }

    /// <summary>
    /// Writes <paramref name="count"/> pieces of the <see cref="SyntheticCorpus"/> as a dataset; piece i goes to
    /// valid when i mod 10 = 8, test when 9, train otherwise. With the grid tokenizer only the chorales fit; the
    /// other pieces are listed as skipped.
    /// </summary>
    public static DatasetManifest WriteSynthetic(int count, long seed, string outputFolder, ImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var tokenizer = options.CreateTokenizer();
        using var writer = new DatasetWriter(outputFolder, tokenizer.Vocabulary, options.MaxTokensPerShard);
        var skipped = new List<SkippedFile>();
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var style = SyntheticCorpus.StyleOf(i);
            string label = $"synthetic/{style}/{i:D5}";
            progress?.Report(new ImportProgress(i, count, label));
            string split = (i % 10) switch { 8 => DatasetSplits.Valid, 9 => DatasetSplits.Test, _ => DatasetSplits.Train };
            Write(writer, Prepare(tokenizer, split, label, SyntheticCorpus.GeneratePiece(seed, i, style), options), skipped);
        }
        progress?.Report(new ImportProgress(count, count, ""));
        var parameters = options.Describe();
        parameters["count"] = count.ToString();
        parameters["seed"] = seed.ToString();
        parameters["split"] = "piece index mod 10: 8 valid, 9 test, others train";
        return writer.Complete(new DatasetSource(DatasetSource.Synthetic, $"SyntheticCorpus seed {seed}", Files: count), parameters, skipped);
    }

    private static int[] EncodeGrid(ITokenizer tokenizer, ChoraleGrid grid) =>
        tokenizer is IGridTokenizer gridTokenizer ? gridTokenizer.EncodeGrid(grid) : tokenizer.Encode(grid.ToPiece());

    /// <summary>A piece ready to write: its token sequences (the original first, then transpositions), or why it is skipped.</summary>
    private sealed record PreparedPiece(string Split, string Source, IReadOnlyList<(string Label, int[] Tokens)> Sequences, string? Problem);

    /// <summary>
    /// A piece's training tokens. A grid dataset takes four-voice pieces only (tracks 0-3, one note at a time each):
    /// voicing other music into four parts, as scoring an upload does, would teach a chorale model piano textures.
    /// </summary>
    private static int[] TrainingTokens(ITokenizer tokenizer, Piece piece) =>
        tokenizer is IGridTokenizer grid ? grid.EncodeGrid(ChoraleGrid.FromPiece(piece)) : tokenizer.Encode(piece);

    /// <summary>Tokenizes a piece and, for train with augmentation, its transpositions. Thread-safe: tokenizers are.</summary>
    private static PreparedPiece Prepare(ITokenizer tokenizer, string split, string source, Piece piece, ImportOptions options)
    {
        if (piece.Notes.Count == 0) return new PreparedPiece(split, source, [], "the piece holds no notes");
        var sequences = new List<(string, int[])>();
        try { sequences.Add((source, TrainingTokens(tokenizer, piece))); }
        catch (ArgumentException e) { return new PreparedPiece(split, source, [], $"cannot be tokenized ({tokenizer.Vocabulary.Kind}): {e.Message}"); }
        if (options.Augment && split == DatasetSplits.Train)
        {
            foreach (int shift in options.Transpositions.Where(s => s != 0))
            {
                if (PieceTransposer.Transpose(piece, shift) is not { } transposed) continue;
                try { sequences.Add(($"{source} {shift:+0;-0}", TrainingTokens(tokenizer, transposed))); }
                catch (ArgumentException) { /* a transposition that does not tokenize is left out, like one that leaves the pitch range */ }
            }
        }
        return new PreparedPiece(split, source, sequences, null);
    }

    private static void Write(DatasetWriter writer, PreparedPiece piece, List<SkippedFile> skipped)
    {
        if (piece.Problem is not null) skipped.Add(new SkippedFile(piece.Source, piece.Problem));
        foreach (var (label, tokens) in piece.Sequences) writer.Add(piece.Split, piece.Source, label, tokens);
    }
}
