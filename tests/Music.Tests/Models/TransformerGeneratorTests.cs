using MusicCluster.Music.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

[Collection(TinyModels.Collection)]
public sealed class TransformerGeneratorTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_maps_tokens_to_logits_for_every_position(bool tied)
    {
        var config = TinyModels.Config(tied: tied);
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        var tokens = tensor(TinyModels.Tokens(3 * 10, config.VocabSize, 1), [3, 10], dtype: int64);
        var logits = model.forward(tokens);
        Assert.Equal([3L, 10L, config.VocabSize], logits.shape);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        Assert.True(logits.isfinite().all().item<bool>());
        // The untied head has a vocab x width matrix of its own; the tied one reuses the embedding's.
        Assert.Equal(tied ? 1 : 2, model.parameters().Count(p => p.shape.SequenceEqual(new long[] { config.VocabSize, config.ModelWidth })));
    }

    [Fact]
    public void Changing_a_token_changes_no_earlier_logits()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        long[] ids = TinyModels.Tokens(12, config.VocabSize, 2);
        long[] changed = (long[])ids.Clone();
        changed[7] = (changed[7] + 1) % config.VocabSize;
        var original = model.forward(tensor(ids, [1, 12], dtype: int64));
        var altered = model.forward(tensor(changed, [1, 12], dtype: int64));
        var difference = (original - altered).abs().amax([0L, 2L]);
        for (int t = 0; t < 7; t++) Assert.True(difference[t].item<float>() == 0f, $"position {t} changed by {difference[t].item<float>()}");
        for (int t = 7; t < 12; t++) Assert.True(difference[t].item<float>() > 1e-4f, $"position {t} did not change");
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(new[] { 5, 1, 3, 7 })]
    [InlineData(new[] { 1, 15 })]
    public void Incremental_steps_with_the_kv_cache_match_the_full_forward_pass(int[] chunks)
    {
        var config = TinyModels.Config(context: 16, layers: 3);
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        var tokens = tensor(TinyModels.Tokens(2 * 16, config.VocabSize, 3), [2, 16], dtype: int64);
        Tensor full;
        using (no_grad()) full = model.forward(tokens);

        using var cache = model.NewCache(batchSize: 2);
        var pieces = new List<Tensor>();
        int at = 0;
        foreach (int chunk in chunks)
        {
            pieces.Add(model.Step(tokens.narrow(1, at, chunk), cache));
            at += chunk;
            Assert.Equal(at, cache.Length);
        }
        var incremental = cat(pieces, dim: 1);
        Assert.Equal(full.shape, incremental.shape);
        float worst = (full - incremental).abs().max().item<float>();
        Assert.True(worst < 1e-5f, $"largest difference {worst}");
    }

    [Fact]
    public void A_full_cache_refuses_more_tokens_and_a_reset_empties_it()
    {
        var config = TinyModels.Config(context: 4);
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        using var cache = model.NewCache(1);
        model.Step(tensor(new long[] { 1, 2, 3 }, [1, 3], dtype: int64), cache);
        var error = Assert.Throws<ArgumentException>(() => model.Step(tensor(new long[] { 1, 2 }, [1, 2], dtype: int64), cache));
        Assert.Contains("at most 1", error.Message);
        cache.Reset();
        Assert.Equal(0, cache.Length);
        Assert.Equal([1L, 4L, config.VocabSize], model.Step(tensor(new long[] { 1, 2, 3, 4 }, [1, 4], dtype: int64), cache).shape);
        Assert.Throws<ArgumentException>(() => model.Step(tensor(new long[] { 1, 2, 3, 4 }, [2, 2], dtype: int64), cache));
    }

    [Fact]
    public void Bad_token_tensors_are_clear_errors()
    {
        var config = TinyModels.Config(context: 8);
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        Assert.Contains("[0, 12)", Assert.Throws<ArgumentException>(() => model.forward(tensor(new long[] { 1, 12 }, [1, 2], dtype: int64))).Message);
        Assert.Contains("[0, 12)", Assert.Throws<ArgumentException>(() => model.forward(tensor(new long[] { -1, 2 }, [1, 2], dtype: int64))).Message);
        Assert.Contains("context length 8", Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 9, dtype: int64))).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 4, dtype: int32))).Message);
        Assert.Contains("[batch, time]", Assert.Throws<ArgumentException>(() => model.forward(zeros(4, dtype: int64))).Message);
    }

    [Fact]
    public void Dropout_acts_only_while_training()
    {
        var config = TinyModels.Config(dropout: 0.5);
        using var model = TinyModels.Generator(config);
        using var scope = NewDisposeScope();
        var tokens = tensor(TinyModels.Tokens(10, config.VocabSize, 4), [1, 10], dtype: int64);
        Assert.True(model.forward(tokens).allclose(model.forward(tokens), rtol: 0, atol: 0));
        model.train();
        Assert.False(model.forward(tokens).allclose(model.forward(tokens)));
    }

    [Fact]
    public void Weights_survive_a_state_dict_round_trip()
    {
        var config = TinyModels.Config();
        using var first = TinyModels.Generator(config, seed: 5);
        using var second = TinyModels.Generator(config, seed: 6);
        using var scope = NewDisposeScope();
        var tokens = tensor(TinyModels.Tokens(8, config.VocabSize, 5), [1, 8], dtype: int64);
        Assert.False(first.forward(tokens).allclose(second.forward(tokens), rtol: 0, atol: 0));
        string path = Path.Combine(RepositoryPaths.NewTempFolder("weights"), "generator.bin");
        first.save(path);
        second.load(path);
        Assert.True(first.forward(tokens).allclose(second.forward(tokens), rtol: 0, atol: 0));
    }
}
