using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class ValidationLossTests
{
    /// <summary>-log p(target | window) summed over a window's targets, computed directly.</summary>
    private static double WindowSum(Music.Models.TransformerGenerator model, int[] window)
    {
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        var input = tensor(window[..^1].Select(t => (long)t).ToArray(), [1, window.Length - 1], dtype: int64);
        var logProbabilities = model.forward(input).log_softmax(-1)[0];
        double sum = 0;
        for (int t = 0; t + 1 < window.Length; t++) sum -= logProbabilities[t, window[t + 1]].item<float>();
        return sum;
    }

    [Fact]
    public void Every_token_after_the_first_is_scored_once_in_windows_of_the_context_length()
    {
        var config = TinyModels.Config(vocab: 12, context: 8);
        using var model = TinyModels.Generator(config);
        int[] longOne = TinyModels.Tokens(21, 12, 5).Select(t => (int)t).ToArray(); // windows [0,9) [8,17) [16,21)
        int[] shortOne = TinyModels.Tokens(5, 12, 6).Select(t => (int)t).ToArray();
        double expected = (WindowSum(model, longOne[0..9]) + WindowSum(model, longOne[8..17]) + WindowSum(model, longOne[16..21]) + WindowSum(model, shortOne))
            / (20 + 4);
        Assert.Equal(expected, ValidationLoss.NllPerToken(model, [longOne, shortOne], batchSize: 2), 1e-4);
    }

    [Fact]
    public void Grid_sequences_get_a_start_token_and_event_sequences_keep_theirs()
    {
        var grid = new JsbGridTokenizer().Vocabulary;
        Assert.Equal([JsbGridTokenizer.BeginId, 60, 61], TrainingData.WithStartToken(grid, [60, 61]));
        var events = new EventTokenizer().Vocabulary;
        int[] sequence = [EventVocabulary.BeginId, EventVocabulary.BarId];
        Assert.Same(sequence, TrainingData.WithStartToken(events, sequence));
    }
}
