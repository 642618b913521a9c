using MusicCluster.Music.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

[Collection(TinyModels.Collection)]
public sealed class SamplerTests
{
    private static readonly TransformerConfig Config = TinyModels.Config(vocab: 12, context: 16);

    /// <summary>Toy grammar: even ids and odd ids alternate, starting with the class opposite to the last token.</summary>
    private sealed class AlternatingParity : ITokenConstraint
    {
        public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
        {
            int wanted = (tokens[^1] + 1) % 2;
            for (int id = 0; id < allowed.Length; id++) allowed[id] = id % 2 == wanted;
        }
    }

    /// <summary>Only ids in [low, high); complete after a given length.</summary>
    private sealed class Range(int low, int high, int completeAt = int.MaxValue) : ITokenConstraint
    {
        public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
        {
            for (int id = low; id < high; id++) allowed[id] = true;
        }

        public bool IsComplete(ReadOnlySpan<int> tokens) => tokens.Length >= completeAt;
    }

    [Fact]
    public void The_same_seed_gives_the_same_tokens_and_another_seed_others()
    {
        using var model = TinyModels.Generator(Config);
        var options = new SamplingOptions { Seed = 42, MaxNewTokens = 30 };
        var first = Sampler.Sample(model, [1, 2], options);
        var again = Sampler.Sample(model, [1, 2], options);
        var other = Sampler.Sample(model, [1, 2], options with { Seed = 43 });
        Assert.Equal(first.Tokens, again.Tokens);
        Assert.NotEqual(first.Tokens, other.Tokens);
        Assert.Equal([1, 2], first.Tokens.Take(2));
        Assert.Equal(32, first.Tokens.Count);
        Assert.Equal(StopReason.MaxNewTokens, first.StopReason);
    }

    [Theory]
    [InlineData(1.0, null, null)]
    [InlineData(0.7, 5, 0.9)]
    public void With_and_without_the_kv_cache_the_same_seed_gives_the_same_tokens_past_the_context_length(double temperature, int? topK, double? topP)
    {
        using var model = TinyModels.Generator(Config);
        // 40 new tokens with a 16-token context: the window slides twice.
        var options = new SamplingOptions { Seed = 7, MaxNewTokens = 40, Temperature = temperature, TopK = topK, TopP = topP };
        var primers = new IReadOnlyList<int>[] { [3, 4, 5], [6, 7, 8] };
        var cached = Sampler.SampleBatch(model, primers, options);
        var recomputed = Sampler.SampleBatch(model, primers, options with { UseKvCache = false });
        for (int s = 0; s < 2; s++) Assert.Equal(cached[s].Tokens, recomputed[s].Tokens);
    }

    [Fact]
    public void A_sequence_sampled_in_a_batch_equals_the_same_sequence_sampled_alone()
    {
        using var model = TinyModels.Generator(Config);
        var options = new SamplingOptions { Seed = 21, MaxNewTokens = 20 };
        var batch = Sampler.SampleBatch(model, [[4, 5], [6, 7], [4, 5]], options);
        Assert.Equal(Sampler.Sample(model, [4, 5], options).Tokens, batch[0].Tokens);
        // Same primer, other random stream: another continuation.
        Assert.NotEqual(batch[0].Tokens, batch[2].Tokens);
    }

    [Fact]
    public void Cancelling_stops_sampling_between_tokens()
    {
        using var model = TinyModels.Generator(Config);
        using var cancellation = new CancellationTokenSource();
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() => Sampler.Sample(model, [1], new SamplingOptions { MaxNewTokens = 100 },
            onToken: _ =>
            {
                if (++seen == 3) cancellation.Cancel();
            },
            cancellation: cancellation.Token));
        Assert.Equal(3, seen);
    }

    [Fact]
    public void Top_k_of_one_is_greedy_decoding()
    {
        using var model = TinyModels.Generator(Config);
        var sampled = Sampler.Sample(model, [1], new SamplingOptions { Seed = 3, TopK = 1, MaxNewTokens = 12 });
        var zeroTemperature = Sampler.Sample(model, [1], new SamplingOptions { Seed = 4, Temperature = 0, MaxNewTokens = 12 });

        var greedy = new List<long> { 1 };
        for (int i = 0; i < 12; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(greedy.ToArray(), [1, greedy.Count], dtype: int64));
            greedy.Add(logits[0, -1].argmax().item<long>());
        }
        Assert.Equal(greedy.Select(t => (int)t), sampled.Tokens);
        Assert.Equal(greedy.Select(t => (int)t), zeroTemperature.Tokens);
    }

    [Fact]
    public void A_constraint_is_never_broken_and_each_sequence_of_a_batch_obeys_its_own()
    {
        using var model = TinyModels.Generator(Config);
        var primers = new IReadOnlyList<int>[] { [1], [1], [1] };
        ITokenConstraint?[] constraints = [new AlternatingParity(), new Range(8, 12), null];
        var options = new SamplingOptions { Seed = 5, MaxNewTokens = 60, Temperature = 1.5 };
        var streamed = new List<SampledToken>();
        var results = Sampler.SampleBatch(model, primers, options, constraints, streamed.Add);

        var alternating = results[0].Tokens;
        for (int i = 1; i < alternating.Count; i++) Assert.NotEqual(alternating[i - 1] % 2, alternating[i] % 2);
        Assert.All(results[1].NewTokens, t => Assert.InRange(t, 8, 11));
        // Unconstrained, the same model at this temperature does sample ids below 8, so the range constraint did the work.
        Assert.Contains(results[2].NewTokens, t => t < 8);
        Assert.Equal(180, streamed.Count);
        for (int s = 0; s < 3; s++)
            Assert.Equal(results[s].NewTokens, streamed.Where(t => t.Sequence == s).OrderBy(t => t.Position).Select(t => t.Token));
    }

    [Fact]
    public void Stop_tokens_and_completion_end_sequences_separately()
    {
        using var model = TinyModels.Generator(Config);
        // Sequence 0 may only stop by sampling 11 (its range holds just 10 and 11); sequence 1 completes at 6 tokens.
        var options = new SamplingOptions { Seed = 1, MaxNewTokens = 200, StopTokens = [11] };
        var results = Sampler.SampleBatch(model, [[1], [1]], options, [new Range(10, 12), new Range(0, 10, completeAt: 6)]);
        Assert.Equal(StopReason.StopToken, results[0].StopReason);
        Assert.Equal(11, results[0].Tokens[^1]);
        Assert.DoesNotContain(11, results[0].Tokens.Take(results[0].Tokens.Count - 1));
        Assert.Equal(StopReason.Complete, results[1].StopReason);
        Assert.Equal(6, results[1].Tokens.Count);
    }

    [Fact]
    public void A_constraint_that_allows_nothing_is_a_sampling_error_naming_the_position()
    {
        using var model = TinyModels.Generator(Config);
        var error = Assert.Throws<SamplingException>(() =>
            Sampler.SampleBatch(model, [[1, 2], [1, 2]], new SamplingOptions { MaxNewTokens = 5 }, [null, new Range(0, 0)]));
        Assert.Equal(1, error.Sequence);
        Assert.Equal(2, error.Position);
    }

    [Fact]
    public void Bad_options_and_primers_are_refused_naming_the_field()
    {
        using var model = TinyModels.Generator(Config);
        var bad = new SamplingOptions { Temperature = -1, TopK = 0, TopP = 1.5, MaxNewTokens = -1, StopTokens = [12] };
        var error = Assert.Throws<InvalidConfigException>(() => Sampler.Sample(model, [1], bad));
        Assert.Equal(["maxNewTokens", "stopTokens", "temperature", "topK", "topP"], error.Errors.Select(e => e.Field).Order());
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Sampler.Sample(model, [], new SamplingOptions())).Message);
        Assert.Contains("primer 0, token 1 is 99", Assert.Throws<ArgumentException>(() => Sampler.Sample(model, [1, 99], new SamplingOptions())).Message);
        Assert.Contains("primer 1 has 2 tokens", Assert.Throws<ArgumentException>(() => Sampler.SampleBatch(model, [[1], [1, 2]], new SamplingOptions())).Message);
    }

    [Fact]
    public async Task Streaming_yields_the_same_tokens_as_sampling_and_stops_when_the_consumer_leaves()
    {
        using var model = TinyModels.Generator(Config);
        var options = new SamplingOptions { Seed = 9, MaxNewTokens = 25 };
        var expected = Sampler.Sample(model, [2], options).NewTokens.ToList();
        var streamed = new List<int>();
        await foreach (int token in Sampler.StreamAsync(model, [2], options)) streamed.Add(token);
        Assert.Equal(expected, streamed);

        var firstFive = new List<int>();
        await foreach (int token in Sampler.StreamAsync(model, [2], options with { MaxNewTokens = SamplingOptions.MaxTokensLimit }))
        {
            firstFive.Add(token);
            if (firstFive.Count == 5) break;
        }
        Assert.Equal(expected.Take(5), firstFive);

        await Assert.ThrowsAsync<InvalidConfigException>(async () =>
        {
            await foreach (int _ in Sampler.StreamAsync(model, [2], options with { TopK = 0 })) { }
        });
    }

    [Fact]
    public void Sampling_restores_training_mode_and_a_primer_longer_than_the_context_is_continued()
    {
        using var model = TinyModels.Generator(Config);
        model.train();
        int[] primer = TinyModels.Tokens(40, Config.VocabSize, 8).Select(t => (int)t).ToArray();
        var result = Sampler.Sample(model, primer, new SamplingOptions { MaxNewTokens = 3, Seed = 2 });
        Assert.True(model.training);
        Assert.Equal(primer, result.Tokens.Take(40));
        Assert.Equal(43, result.Tokens.Count);
        Assert.Equal(result.Tokens, Sampler.Sample(model, primer, new SamplingOptions { MaxNewTokens = 3, Seed = 2, UseKvCache = false }).Tokens);
    }
}
