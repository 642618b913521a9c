using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

/// <summary>The benchmark's bookkeeping, not its speed: which tokenizers it measures and on how many tokens.</summary>
public class TokenizerBenchmarksTests
{
    [Fact]
    public void The_benchmark_measures_each_tokenizer_on_the_pieces_it_accepts()
    {
        var pieces = SyntheticCorpus.Generate(6, 1);
        var results = TokenizerBenchmarks.MeasureTokensPerSecond(pieces, TimeSpan.Zero);
        Assert.Equal(["event 1/16", "event 1/48", "jsb-grid"], results.Select(r => r.Tokenizer));
        // The grid tokenizer voices any piece with at most four notes at once into S, A, T, B: 5 of the 6 (one has more).
        Assert.Equal([6, 6, 5], results.Select(r => r.Pieces));
        var eventTokenizer = new EventTokenizer();
        Assert.Equal(pieces.Sum(p => (long)eventTokenizer.Encode(p).Length), results[0].TokensPerPass);
        Assert.All(results, r => Assert.True(r.EncodePasses >= 1 && r.DecodePasses >= 1 && r.EncodeTokensPerSecond > 0 && r.DecodeTokensPerSecond > 0));
    }
}
