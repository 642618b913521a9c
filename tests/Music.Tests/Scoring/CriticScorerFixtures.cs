using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>Token data and tiny critics for the scoring tests.</summary>
internal static class CriticScorerFixtures
{
    public static readonly EventTokenizer Events = new();

    /// <summary>Synthetic pieces in event tokens: pieces [0, count) of the corpus with seed 3.</summary>
    public static IReadOnlyList<int[]> EventSequences(int count, int seed = 3) =>
        SyntheticCorpus.Generate(count, seed).Select(Events.Encode).ToArray();

    public static TransformerCritic Critic(Vocabulary vocabulary, int context = 128, int width = 32, long seed = 2) =>
        TinyModels.Critic(TinyModels.Config(vocab: vocabulary.Count, context: context, layers: 2, heads: 2, width: width, feedForward: width * 2));

    public static ScoreCalibration Calibration(params double[] raw) => WindowCalibration(CriticScorerOptions.DefaultWindowBars, raw);

    public static ScoreCalibration WindowCalibration(int windowBars, params double[] raw) =>
        ScoreCalibration.Build(raw.Length == 0 ? [0.0] : raw, "tiny-model", "ckpt-0001", windowBars);
}
