using MusicCluster.Music.Models;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// Starts a critic from what its generator has learned: the token embedding and the first transformer blocks have
/// the same shapes in both (same width, heads and feed-forward width), and the generator's MLE training has made
/// them represent pitches, voices and their movement, which is what telling bar orders apart needs. The critic's
/// attention is bidirectional where the generator's was causal, so these are features to fine-tune from, not a
/// finished critic; its final norm and score head keep their own weights.
/// </summary>
public static class CriticInitialization
{
    /// <summary>Copies the generator's token embedding and its first blocks (as many as the critic has) into the
    /// critic; returns the number of tensors copied. Architectures whose shapes differ are refused, naming the tensor.</summary>
    public static int FromGenerator(TransformerCritic critic, TransformerGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(critic);
        ArgumentNullException.ThrowIfNull(generator);
        if (critic.Config.Layers > generator.Config.Layers)
            throw new ArgumentException($"the critic has {critic.Config.Layers} layers, the generator only {generator.Config.Layers}: there are not enough blocks to copy",
                nameof(critic));
        var source = generator.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        int copied = 0;
        using var noGradient = no_grad();
        foreach (var (name, target) in critic.named_parameters())
        {
            if (name != "tokenEmbedding" && !name.StartsWith("blocks.", StringComparison.Ordinal)) continue;
            if (!source.TryGetValue(name, out var from))
                throw new ArgumentException($"the generator has no parameter '{name}' to start the critic's from", nameof(generator));
            if (!from.shape.SequenceEqual(target.shape))
                throw new ArgumentException($"parameter '{name}' is [{string.Join(", ", from.shape)}] in the generator but [{string.Join(", ", target.shape)}] in the critic",
                    nameof(generator));
            target.copy_(from);
            copied++;
        }
        return copied;
    }
}
