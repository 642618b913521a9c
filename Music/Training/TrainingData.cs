using System.Security.Cryptography;
using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>The token sequences a run trains and validates on, with the dataset they came from.</summary>
public sealed record TrainingData(Vocabulary Vocabulary, IReadOnlyList<int[]> Train, IReadOnlyList<int[]> Valid, DatasetReference Dataset)
{
    /// <summary>Opens a dataset folder (hashes verified) and reads its train and valid splits into memory.</summary>
    public static TrainingData Load(string folder)
    {
        var dataset = TokenDataset.Open(folder);
        string manifestPath = Path.Combine(dataset.Folder, DatasetManifest.FileName);
        string sha;
        using (var stream = File.OpenRead(manifestPath)) sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        var train = dataset.SplitNames.Contains(DatasetSplits.Train) ? dataset.ReadSplit(DatasetSplits.Train).Select(s => s.Tokens).ToList() : [];
        var valid = dataset.SplitNames.Contains(DatasetSplits.Valid) ? dataset.ReadSplit(DatasetSplits.Valid).Select(s => s.Tokens).ToList() : [];
        if (train.Count == 0) throw new DatasetFormatException(manifestPath, "the dataset has no train sequences to learn from", "splits");
        return new TrainingData(dataset.Vocabulary, train, valid, new DatasetReference(Path.GetFileName(dataset.Folder), sha));
    }
}
