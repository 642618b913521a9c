using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// How a silo's inference engine runs (configuration section MusicCluster:Inference): MaxBatch, the most
/// sequences one batched generation step carries (more sessions wait for a free slot); TorchThreads, libtorch's
/// intra-op threads for this process (null: the rule every entry point follows, <see cref="Music.Runtime.TorchThreads"/>:
/// OMP_NUM_THREADS when set, else half the cores, at least one; 0: libtorch's own default of one per core), set
/// before libtorch loads and by each model's worker thread for itself.
/// </summary>
public sealed record InferenceOptions
{
    public int MaxBatch { get; init; } = 64;

    public int? TorchThreads { get; init; }

    public static InferenceOptions FromConfiguration(IConfiguration configuration) => new()
    {
        MaxBatch = Parse(configuration, "MaxBatch", 1024) ?? 64,
        TorchThreads = Parse(configuration, "TorchThreads", 256, min: 0),
    };

    private static int? Parse(IConfiguration configuration, string name, int max, int min = 1)
    {
        string key = $"MusicCluster:Inference:{name}";
        string? value = configuration[key];
        if (string.IsNullOrEmpty(value)) return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new InvalidOperationException($"{key} '{value}' is not a whole number from {min} to {max}");
    }
}
