using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// How a silo's inference engine runs (configuration section MusicCluster:Inference): MaxBatch, the most
/// sequences one batched generation step carries (more sessions wait for a free slot); TorchThreads, libtorch's
/// intra-op threads for this process, set when the first model loads (default 1; 0 leaves libtorch's default of one
/// per core). Measured with `musiccluster bench --only sessions --quick` on a busy 2-core machine: one session made
/// 240 tokens/s with 1 thread and 8.5 with libtorch's default, whose idle threads spin on the cores the silo's own
/// threads need; the batched steps here are too small to gain from more threads.
/// </summary>
public sealed record InferenceOptions
{
    public int MaxBatch { get; init; } = 64;

    public int TorchThreads { get; init; } = 1;

    public static InferenceOptions FromConfiguration(IConfiguration configuration) => new()
    {
        MaxBatch = Parse(configuration, "MaxBatch", 1024) ?? 64,
        TorchThreads = Parse(configuration, "TorchThreads", 256, min: 0) ?? 1,
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
