using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// How well the critic tells the valid split's real windows from the generator's: the AUC of its scores on up to
/// <see cref="MaxWindows"/> real windows against as many generated ones, each generated one sampled position by
/// position from the generator's distribution given the real window's prefix (teacher-forced, the same fakes
/// adversarial training shows the critic, at temperature 1). 0.5: it cannot tell them apart; 1: it always can.
/// Deterministic for given weights (its own random generator), and it never touches the training's random streams.
/// </summary>
public static class ValidationCriticAuc
{
    public const int MaxWindows = 16;

    /// <summary>Shortest window worth scoring; valid sequences shorter than this are skipped.</summary>
    public const int MinWindowLength = 8;

    /// <summary>The AUC, or null when the valid split has no sequence of at least <see cref="MinWindowLength"/> tokens.</summary>
    public static double? Compute(TransformerGenerator generator, TransformerCritic critic, IReadOnlyList<int[]> validSequences, long seed)
    {
        int context = generator.Config.ContextLength;
        var chosen = validSequences.Where(s => s.Length >= MinWindowLength).Take(MaxWindows).ToList();
        if (chosen.Count == 0) return null;
        // One window length for the batch: the shortest chosen sequence, at most the context plus the shifted token.
        int length = Math.Min(context + 1, chosen.Min(s => s.Length));
        var ids = new long[chosen.Count * length];
        for (int row = 0; row < chosen.Count; row++)
            for (int t = 0; t < length; t++) ids[row * length + t] = chosen[row][t];

        bool generatorTraining = generator.training, criticTraining = critic.training;
        generator.eval();
        critic.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGradient = no_grad();
            using var random = new Generator((ulong)seed, generator.Device);
            var all = tensor(ids, [chosen.Count, length], dtype: int64, device: generator.Device);
            var inputs = all.narrow(1, 0, length - 1);
            var real = critic.OneHot(all.narrow(1, 1, length - 1));
            var fake = GumbelSoftmax.StraightThrough(generator.forward(inputs), 1.0, random);
            double[] realScores = ToDoubles(critic.SequenceScores(real));
            double[] fakeScores = ToDoubles(critic.SequenceScores(fake));
            return AucCalculator.Compute(realScores, fakeScores);
        }
        finally
        {
            generator.train(generatorTraining);
            critic.train(criticTraining);
        }
    }

    private static double[] ToDoubles(Tensor scores) => scores.to(float64).cpu().data<double>().ToArray();
}
