using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// How a silo's inference engine runs (configuration section MusicCluster:Inference): MaxBatch, the most
/// sequences one batched generation step carries (more sessions wait for a free slot).
/// </summary>
public sealed record InferenceOptions
{
    public int MaxBatch { get; init; } = 64;

    public static InferenceOptions FromConfiguration(IConfiguration configuration)
    {
        string? value = configuration["MusicCluster:Inference:MaxBatch"];
        if (string.IsNullOrEmpty(value)) return new InferenceOptions();
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int batch) && batch is >= 1 and <= 1024
            ? new InferenceOptions { MaxBatch = batch }
            : throw new InvalidOperationException($"MusicCluster:Inference:MaxBatch '{value}' is not a whole number from 1 to 1024");
    }
}
