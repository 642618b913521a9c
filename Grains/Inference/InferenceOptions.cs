using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// How a silo's inference engine runs (configuration section MusicCluster:Inference): MaxBatch, the most
/// sequences one batched generation step carries (more sessions wait for a free slot); TorchThreads, libtorch's
/// intra-op threads for this process (unset: libtorch's default). On a busy machine 1 is often fastest: idle
/// libtorch threads spin and take the cores the silo's own threads need.
/// </summary>
public sealed record InferenceOptions
{
    public int MaxBatch { get; init; } = 64;

    public int? TorchThreads { get; init; }

    public static InferenceOptions FromConfiguration(IConfiguration configuration) => new()
    {
        MaxBatch = Parse(configuration, "MaxBatch", 1024) ?? 64,
        TorchThreads = Parse(configuration, "TorchThreads", 256),
    };

    private static int? Parse(IConfiguration configuration, string name, int max)
    {
        string key = $"MusicCluster:Inference:{name}";
        string? value = configuration[key];
        if (string.IsNullOrEmpty(value)) return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= 1 && parsed <= max
            ? parsed
            : throw new InvalidOperationException($"{key} '{value}' is not a whole number from 1 to {max}");
    }
}
