using System.Diagnostics;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>Throughput of one tokenizer over a set of pieces: tokens encoded and decoded per second.</summary>
public sealed record TokenizerBenchmarkResult(string Tokenizer, string VocabularyVersion, int Pieces, long TokensPerPass, int EncodePasses, double EncodeSeconds,
    int DecodePasses, double DecodeSeconds)
{
    public double EncodeTokensPerSecond => TokensPerPass * (double)EncodePasses / EncodeSeconds;

    public double DecodeTokensPerSecond => TokensPerPass * (double)DecodePasses / DecodeSeconds;
}

/// <summary>
/// Tokenization throughput for `musiccluster bench` (a benchmark, not a test: it measures, it does not judge).
/// Each tokenizer encodes and then decodes the pieces it accepts, pass after pass, until each phase has run for at
/// least <c>minimumTime</c>, after an untimed warm-up of half that time.
/// </summary>
public static class TokenizerBenchmarks
{
    /// <summary>Measures the event tokenizer on 1/16 and 1/48 grids and the JSB grid tokenizer (on the four-voice
    /// pieces among <paramref name="pieces"/>; skipped when there are none). The synthetic corpus is a good input.</summary>
    public static IReadOnlyList<TokenizerBenchmarkResult> MeasureTokensPerSecond(IReadOnlyList<Piece> pieces, TimeSpan? minimumTime = null)
    {
        var results = new List<TokenizerBenchmarkResult>();
        foreach (ITokenizer tokenizer in new ITokenizer[] { new EventTokenizer(), new EventTokenizer(EventTokenizerSettings.FortyEighths), new JsbGridTokenizer() })
        {
            var accepted = pieces.Where(p => Accepts(tokenizer, p)).ToList();
            if (accepted.Count > 0) results.Add(Measure(tokenizer, accepted, minimumTime ?? TimeSpan.FromSeconds(1)));
        }
        return results;
    }

    public static TokenizerBenchmarkResult Measure(ITokenizer tokenizer, IReadOnlyList<Piece> pieces, TimeSpan minimumTime)
    {
        int[][] encoded = pieces.Select(tokenizer.Encode).ToArray();
        long tokensPerPass = encoded.Sum(ids => (long)ids.Length);

        // Warm-up, long enough for the JIT to reach its optimized tier, so the figures are steady-state throughput.
        var clock = Stopwatch.StartNew();
        do
        {
            EncodePass(tokenizer, pieces);
            DecodePass(tokenizer, encoded);
        } while (clock.Elapsed < minimumTime / 2);

        clock.Restart();
        int encodePasses = 0;
        do
        {
            EncodePass(tokenizer, pieces);
            encodePasses++;
        } while (clock.Elapsed < minimumTime);
        double encodeSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        int decodePasses = 0;
        do
        {
            DecodePass(tokenizer, encoded);
            decodePasses++;
        } while (clock.Elapsed < minimumTime);
        double decodeSeconds = clock.Elapsed.TotalSeconds;

        string name = tokenizer is EventTokenizer events ? $"event 1/{events.Settings.StepsPerQuarter * 4}" : tokenizer.Vocabulary.Kind;
        return new TokenizerBenchmarkResult(name, tokenizer.Vocabulary.Version, pieces.Count, tokensPerPass, encodePasses, encodeSeconds, decodePasses, decodeSeconds);
    }

    // One pass per call, so the JIT's call counting (not on-stack replacement of one long loop) promotes the passes
    // to optimized code during the warm-up.
    private static void EncodePass(ITokenizer tokenizer, IReadOnlyList<Piece> pieces)
    {
        for (int i = 0; i < pieces.Count; i++) tokenizer.Encode(pieces[i]);
    }

    private static void DecodePass(ITokenizer tokenizer, int[][] encoded)
    {
        foreach (int[] ids in encoded) tokenizer.Decode(ids);
    }

    private static bool Accepts(ITokenizer tokenizer, Piece piece)
    {
        try { tokenizer.Encode(piece); return true; }
        catch (ArgumentException) { return false; }
    }
}
