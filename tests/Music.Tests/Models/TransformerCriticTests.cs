using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

[Collection(TinyModels.Collection)]
public sealed class TransformerCriticTests
{
    [Fact]
    public void Scores_one_value_per_position_and_per_sequence()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        using var scope = NewDisposeScope();
        var oneHot = critic.OneHot(tensor(TinyModels.Tokens(4 * 9, config.VocabSize, 1), [4, 9], dtype: int64));
        Assert.Equal([4L, 9L, config.VocabSize], oneHot.shape);
        var positions = critic.forward(oneHot, null);
        Assert.Equal([4L, 9L], positions.shape);
        var sequences = critic.SequenceScores(oneHot);
        Assert.Equal([4L], sequences.shape);
        Assert.True(sequences.allclose(positions.mean([1L]), rtol: 0, atol: 1e-6));
        // Bidirectional: an early position's score depends on a later token.
        var changed = oneHot.clone();
        changed[0, 8] = roll(changed[0, 8], 1, 0);
        Assert.False(critic.forward(changed, null)[0, 0].allclose(positions[0, 0]));
    }

    [Fact]
    public void The_gradient_wrt_a_soft_one_hot_input_exists_and_the_gradient_penalty_trains_the_critic()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        critic.train();
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(11);
        var soft = randn([3, 7, config.VocabSize], generator: generator).softmax(-1).requires_grad_();
        var scores = critic.SequenceScores(soft);
        var gradient = torch.autograd.grad([scores.sum()], [soft], create_graph: true, retain_graph: true)[0];
        Assert.Equal(soft.shape, gradient.shape);
        Assert.True(gradient.abs().sum().item<float>() > 0);

        // WGAN-GP: (|grad| - 1)^2 must itself be differentiable in the critic's weights (double backward).
        var penalty = gradient.flatten(1).norm(1).Plus(-1).Power(2).mean();
        penalty.backward();
        var withGradient = critic.parameters().Where(p => p.grad is { } g && g.abs().sum().item<float>() > 0).Count();
        Assert.True(withGradient > critic.parameters().Count() / 2, $"only {withGradient} parameters got a gradient from the penalty");
    }

    [Fact]
    public void The_gradient_penalty_helper_is_differentiable_and_zero_only_for_unit_gradients()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        critic.train();
        using var scope = NewDisposeScope();
        using var random = new torch.Generator(12);
        var real = critic.OneHot(randint(0, config.VocabSize, [4, 6], generator: random));
        var fake = randn([4, 6, config.VocabSize], generator: random).softmax(-1);
        var penalty = critic.GradientPenalty(real, fake, random: random);
        Assert.Empty(penalty.shape);
        Assert.True(penalty.item<float>() > 0);
        penalty.backward();
        Assert.Contains(critic.parameters(), p => p.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.Throws<ArgumentException>(() => critic.GradientPenalty(real, fake.narrow(1, 0, 5)));
    }

    [Fact]
    public void Padding_marked_invalid_changes_no_score_of_the_real_positions()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        using var scope = NewDisposeScope();
        long[] real = TinyModels.Tokens(6, config.VocabSize, 2);
        long[] padded = real.Concat(TinyModels.Tokens(4, config.VocabSize, 3)).ToArray();
        var alone = critic.forward(critic.OneHot(tensor(real, [1, 6], dtype: int64)), null);
        var valid = tensor(padded.Select((_, i) => i < 6).ToArray(), [1, 10], dtype: @bool);
        var withPadding = critic.forward(critic.OneHot(tensor(padded, [1, 10], dtype: int64)), valid);
        Assert.True(withPadding.narrow(1, 0, 6).allclose(alone, rtol: 0, atol: 1e-5));
        var sequenceAlone = critic.SequenceScores(critic.OneHot(tensor(real, [1, 6], dtype: int64)));
        var sequencePadded = critic.SequenceScores(critic.OneHot(tensor(padded, [1, 10], dtype: int64)), valid);
        Assert.True(sequencePadded.allclose(sequenceAlone, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Windows_scored_alone_match_scoring_each_window_as_its_own_sequence_at_any_batch_size()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        int[] tokens = TinyModels.Tokens(40, config.VocabSize, 4).Select(t => (int)t).ToArray();
        TokenWindow[] windows = [new(0, 8), new(8, 16), new(4, 24), new(30, 40), new(39, 40)];
        float[] batched = critic.ScoreWindows(tokens, windows, batchSize: 32);
        float[] single = critic.ScoreWindows(tokens, windows, batchSize: 1);
        using var scope = NewDisposeScope();
        for (int i = 0; i < windows.Length; i++)
        {
            var ids = tokens[windows[i].Start..windows[i].End].Select(t => (long)t).ToArray();
            float expected = critic.SequenceScores(critic.OneHot(tensor(ids, [1, ids.Length], dtype: int64))).item<float>();
            Assert.Equal(expected, batched[i], 1e-5f);
            Assert.Equal(expected, single[i], 1e-5f);
        }
    }

    [Fact]
    public void Pooled_windows_are_means_of_position_scores()
    {
        using var scope = NewDisposeScope();
        var scores = tensor(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, [2, 4]);
        var pooled = TransformerCritic.PoolWindows(scores, [new(0, 2), new(1, 4)]);
        Assert.Equal(new float[] { 1.5f, 3f, 15f, 30f }, pooled.data<float>().ToArray());
        Assert.Contains("window 1", Assert.Throws<ArgumentException>(() => TransformerCritic.PoolWindows(scores, [new(0, 2), new(3, 5)])).Message);
        Assert.Contains("window 0", Assert.Throws<ArgumentException>(() => TransformerCritic.PoolWindows(scores, [new(2, 2)])).Message);
    }

    [Fact]
    public void Bad_inputs_are_clear_errors()
    {
        var config = TinyModels.Config(context: 8);
        using var critic = TinyModels.Critic(config);
        using var scope = NewDisposeScope();
        Assert.Contains("[batch, time, 12]", Assert.Throws<ArgumentException>(() => critic.forward(zeros(1, 4, 11), null)).Message);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => critic.forward(zeros(1, 4, 12, dtype: float64), null)).Message);
        Assert.Contains("context length 8", Assert.Throws<ArgumentException>(() => critic.forward(zeros(1, 9, 12), null)).Message);
        Assert.Contains("at least one valid", Assert.Throws<ArgumentException>(() => critic.forward(zeros(2, 4, 12), zeros(2, 4, dtype: @bool))).Message);
        Assert.Contains("token 1 is 12", Assert.Throws<ArgumentException>(() => critic.ScoreWindows([1, 12], [new(0, 2)])).Message);
        Assert.Contains("more than the critic's context length", Assert.Throws<ArgumentException>(() => critic.ScoreWindows(new int[10], [new(0, 10)])).Message);
    }
}
