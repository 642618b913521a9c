using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Data;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Training;

/// <summary>
/// The datasets training runs can use: every dataset folder in the blob store under <c>datasets/{id}/</c>
/// (manifest.json + shards, as `musiccluster dataset import|synth` writes them), plus "synthetic-demo", which the
/// silo writes there itself the first time it is asked for (a small synthetic corpus), so a fresh install can train
/// at once. Training reads a dataset from a local copy (the trainer reads files); copies are cached per manifest
/// hash in the temp folder, so a changed dataset gets a new copy.
/// </summary>
public sealed partial class TrainingDatasets(IBlobStore store)
{
    public const string SyntheticDemoId = "synthetic-demo";
    public const int SyntheticDemoPieces = 60;
    public const long SyntheticDemoSeed = 1;
    private const string Prefix = "datasets/";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    /// <summary>Why <paramref name="id"/> cannot name a dataset, or null when it can.</summary>
    public static string? ProblemWithId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "is required"
        : IdPattern().IsMatch(id) ? null
        : "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static string ManifestBlob(string id) => $"{Prefix}{id}/{DatasetManifest.FileName}";

    /// <summary>Every dataset: synthetic-demo first, then the blob store's, by id.</summary>
    public async Task<IReadOnlyList<TrainingDatasetInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (BlobInfo blob in store.ListAsync(Prefix, cancellationToken))
        {
            string rest = blob.Name[Prefix.Length..];
            int slash = rest.IndexOf('/');
            if (slash > 0 && rest[(slash + 1)..] == DatasetManifest.FileName) ids.Add(rest[..slash]);
        }
        ids.Remove(SyntheticDemoId);
        var result = new List<TrainingDatasetInfo> { await DescribeAsync(SyntheticDemoId, cancellationToken) };
        foreach (string id in ids)
        {
            try { result.Add(await DescribeAsync(id, cancellationToken)); }
            catch (DatasetFormatException) { } // a damaged dataset is not offered; starting a run on it names the problem
        }
        return result;
    }

    public async Task<TrainingDatasetInfo> DescribeAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(id, cancellationToken);
        var vocabulary = Vocabulary.FromDocument(manifest.Vocabulary);
        string description = id == SyntheticDemoId
            ? $"Synthetic demo corpus ({SyntheticDemoPieces} pieces: chorales, melodies with accompaniment, waltzes), made by the silo"
            : $"{manifest.Source.Kind} {Path.GetFileName(manifest.Source.Path)}: {manifest.Split(DatasetSplits.Train)?.Pieces ?? 0} train sequences";
        var splits = manifest.Splits.Select(split => new TrainingDatasetSplit(split.Name, split.SourcePieces, split.Pieces, split.Tokens)).ToList();
        return new TrainingDatasetInfo(id, description, vocabulary.Version, vocabulary.Count, vocabulary.Kind, splits, SuggestedTrainingSettings.For(vocabulary));
    }

    /// <summary>The dataset's vocabulary (its manifest). Throws KeyNotFoundException when there is no such dataset.</summary>
    public async Task<Vocabulary> VocabularyOfAsync(string id, CancellationToken cancellationToken = default) =>
        Vocabulary.FromDocument((await ReadManifestAsync(id, cancellationToken)).Vocabulary);

    /// <summary>A local folder holding the dataset (a verified copy of its blobs).</summary>
    public async Task<string> LocalFolderAsync(string id, CancellationToken cancellationToken = default)
    {
        await EnsureExistsAsync(id, cancellationToken);
        byte[] manifestBytes = await store.ReadAllBytesAsync(ManifestBlob(id), cancellationToken);
        string hash = Convert.ToHexStringLower(SHA256.HashData(manifestBytes))[..16];
        string folder = Path.Combine(Path.GetTempPath(), "musiccluster-datasets", $"{id}-{hash}");
        if (File.Exists(Path.Combine(folder, DatasetManifest.FileName))) return folder;

        SemaphoreSlim gate = locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(Path.Combine(folder, DatasetManifest.FileName))) return folder;
            string partial = folder + $".partial-{Guid.NewGuid():N}";
            Directory.CreateDirectory(partial);
            // The manifest is written last: a folder with a manifest is complete.
            await foreach (BlobInfo blob in store.ListAsync($"{Prefix}{id}/", cancellationToken))
            {
                string relative = blob.Name[($"{Prefix}{id}/".Length)..];
                if (relative == DatasetManifest.FileName) continue;
                string target = Path.Combine(partial, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, await store.ReadAllBytesAsync(blob.Name, cancellationToken), cancellationToken);
            }
            await File.WriteAllBytesAsync(Path.Combine(partial, DatasetManifest.FileName), manifestBytes, cancellationToken);
            try
            {
                Directory.Move(partial, folder);
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, DatasetManifest.FileName)))
            {
                // Another silo process on this machine made the same copy first.
                Directory.Delete(partial, recursive: true);
            }
            return folder;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<DatasetManifest> ReadManifestAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureExistsAsync(id, cancellationToken);
        string name = ManifestBlob(id);
        try
        {
            return JsonSerializer.Deserialize<DatasetManifest>(await store.ReadAllTextAsync(name, cancellationToken), DatasetManifest.JsonOptions)
                ?? throw new DatasetFormatException(name, "the manifest is null");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(name, $"the manifest is not valid: {e.Message}", e.Path, inner: e);
        }
    }

    private async Task EnsureExistsAsync(string id, CancellationToken cancellationToken)
    {
        if (ProblemWithId(id) is { } problem) throw new KeyNotFoundException($"dataset '{id}' {problem}");
        if (await store.GetInfoAsync(ManifestBlob(id), cancellationToken) is not null) return;
        if (id != SyntheticDemoId) throw new KeyNotFoundException($"there is no dataset '{id}' (no {ManifestBlob(id)} in {store.Description})");

        SemaphoreSlim gate = locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await store.GetInfoAsync(ManifestBlob(id), cancellationToken) is not null) return;
            await WriteSyntheticDemoAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes the synthetic demo corpus into the blob store; the manifest goes last, so a half-written one is never listed.</summary>
    private async Task WriteSyntheticDemoAsync(CancellationToken cancellationToken)
    {
        string local = Path.Combine(Path.GetTempPath(), "musiccluster-datasets", $"synthetic-demo-{Guid.NewGuid():N}");
        try
        {
            DatasetImporter.WriteSynthetic(SyntheticDemoPieces, SyntheticDemoSeed, local, new ImportOptions { Parallelism = 1 }, cancellationToken: cancellationToken);
            string manifest = Path.Combine(local, DatasetManifest.FileName);
            foreach (string file in Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories).Where(f => f != manifest))
            {
                string relative = Path.GetRelativePath(local, file).Replace(Path.DirectorySeparatorChar, '/');
                await store.WriteBytesAsync($"{Prefix}{SyntheticDemoId}/{relative}", await File.ReadAllBytesAsync(file, cancellationToken), cancellationToken);
            }
            await store.WriteBytesAsync(ManifestBlob(SyntheticDemoId), await File.ReadAllBytesAsync(manifest, cancellationToken), cancellationToken);
        }
        finally
        {
            if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
        }
    }
}
