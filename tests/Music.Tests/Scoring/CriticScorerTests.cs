using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Scoring;

[Collection(TinyModels.Collection)]
public sealed class CriticScorerTests
{
    [Fact]
    public void Event_bars_start_at_bar_tokens_and_grid_bars_are_64_tokens_after_bos()
    {
        var tokens = CriticScorerFixtures.EventSequences(1)[0];
        var bars = CriticBarTracker.FindBars(CriticScorerFixtures.Events.Vocabulary, tokens);
        Assert.Equal(Enumerable.Range(0, tokens.Length).Where(i => tokens[i] == EventVocabulary.BarId), bars);
        Assert.True(bars.Count >= 4, $"only {bars.Count} bars");

        var grid = new JsbGridTokenizer();
        int[] gridTokens = [JsbGridTokenizer.BeginId, .. Enumerable.Repeat(JsbGridTokenizer.SilentId, 64 * 2 + 10)];
        Assert.Equal([1, 65, 129], CriticBarTracker.FindBars(grid.Vocabulary, gridTokens));
        Assert.Equal([0, 64], CriticBarTracker.FindBars(grid.Vocabulary, gridTokens[1..129]));
    }

    [Fact]
    public void Each_bar_is_scored_by_the_window_of_bars_ending_with_it_cut_to_the_context()
    {
        var vocabulary = new JsbGridTokenizer().Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 160);
        var windows = new CriticWindowScorer(critic, vocabulary, new CriticScorerOptions { WindowBars = 2 });
        int[] tokens = [JsbGridTokenizer.BeginId, .. Enumerable.Repeat(JsbGridTokenizer.SilentId, 64 * 3 + 5)];
        // Bars start at 1, 65, 129, 193; the first window holds the <bos> header; 2 bars = 128 tokens fit in 160.
        Assert.Equal([new TokenWindow(0, 65), new TokenWindow(0, 129), new TokenWindow(65, 193), new TokenWindow(129, 198)], windows.Windows(tokens));
        var three = new CriticWindowScorer(critic, vocabulary, new CriticScorerOptions { WindowBars = 3 });
        Assert.Equal(new TokenWindow(193 - 160, 193), three.Windows(tokens)[2]);
        // A header without bars is one window.
        Assert.Equal([new TokenWindow(0, 1)], windows.Windows([JsbGridTokenizer.BeginId]));
    }

    [Fact]
    public void Scoring_uses_the_window_size_the_calibration_was_made_with()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 96, width: 16);
        var tokens = CriticScorerFixtures.EventSequences(2)[1];
        var twoBars = new CriticWindowScorer(critic, vocabulary, new CriticScorerOptions { WindowBars = 2 });
        var calibration = CalibrationBuilder.FromRealSequences(twoBars, [CriticScorerFixtures.EventSequences(2)[0]], "tiny-model", "ckpt-0001");
        Assert.Equal(2, calibration.WindowBars);

        var scorer = new CriticScorer(critic, vocabulary, calibration);
        Assert.Equal(2, scorer.Windows.Options.WindowBars);
        FloatAssert.Close(twoBars.ScoreBars(tokens), scorer.Score(tokens).RawBars, 1e-5);
        Assert.NotEqual(new CriticWindowScorer(critic, vocabulary).ScoreBars(tokens), scorer.Score(tokens).RawBars);
        using (var model = new ScoringModel("tiny-model", "ckpt-0001", CriticScorerFixtures.Critic(vocabulary, context: 96, width: 16), null, vocabulary, calibration))
            Assert.Equal(2, model.Scorer.Windows.Options.WindowBars);

        var batched = new CriticScorer(critic, vocabulary, calibration, CriticScorer.ForCalibration(calibration) with { BatchSize = 1 });
        // Batch size changes GEMM blocking, so float sums differ in the last bits (seen: -0.2043702155 vs -0.2043701708).
        FloatAssert.Close(scorer.Score(tokens).RawBars, batched.Score(tokens).RawBars, 1e-5);
        var mismatch = Assert.Throws<ArgumentException>(() => new CriticScorer(critic, vocabulary, calibration, new CriticScorerOptions { WindowBars = 4 }));
        Assert.Contains("windows of 2 bars, not 4", mismatch.Message);
    }

    [Fact]
    public void Live_scoring_in_any_chunks_gives_the_whole_piece_score_and_names_the_model()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 96, width: 16);
        var calibration = CriticScorerFixtures.WindowCalibration(2, -0.2, -0.1, 0, 0.1, 0.2);
        var scorer = new CriticScorer(critic, vocabulary, calibration, new CriticScorerOptions { WindowBars = 2, BatchSize = 3 });
        var tokens = CriticScorerFixtures.EventSequences(2)[1];
        var whole = scorer.Score(tokens);
        int barCount = tokens.Count(t => t == EventVocabulary.BarId);
        Assert.Equal(barCount, whole.Bars.Count);
        Assert.Equal(barCount, whole.RawBars.Count);
        Assert.Equal("tiny-model", whole.ModelId);
        Assert.Equal("ckpt-0001", whole.CheckpointId);
        Assert.Equal(whole.RawBars.Average(), whole.RawOverall, 9);
        Assert.Equal(calibration.Percentile(whole.RawOverall), whole.Overall);
        Assert.All(whole.Bars, s => Assert.InRange(s, 0, 100));

        var random = new Random(4);
        var live = scorer.StartLive();
        var seen = new List<BarScore>();
        for (int position = 0; position < tokens.Length;)
        {
            int chunk = Math.Min(random.Next(1, 30), tokens.Length - position);
            var completed = live.Feed(tokens.AsSpan(position, chunk));
            position += chunk;
            // A bar is reported once the next bar has begun, never before.
            int barsStarted = tokens.Take(position).Count(t => t == EventVocabulary.BarId);
            Assert.Equal(Math.Max(0, barsStarted - 1), seen.Count + completed.Count);
            seen.AddRange(completed);
        }
        var finished = live.Finish();
        Assert.Equal(barCount - 1, seen.Count);
        Assert.Equal(Enumerable.Range(0, barCount - 1), seen.Select(s => s.Bar));
        Assert.All(seen, s => Assert.Equal(("tiny-model", "ckpt-0001"), (s.ModelId, s.CheckpointId)));
        for (int bar = 0; bar < barCount; bar++) Assert.Equal(whole.RawBars[bar], finished.RawBars[bar], 1e-5);
        for (int bar = 0; bar < seen.Count; bar++) Assert.Equal(whole.RawBars[bar], seen[bar].Raw, 1e-5);
        Assert.Equal(whole.RawOverall, finished.RawOverall, 1e-5);
        Assert.Throws<InvalidOperationException>(() => live.Feed(1));
    }

    [Fact]
    public void Live_scores_of_several_sequences_scored_together_give_the_bars_each_gives_alone()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 96, width: 16);
        var calibration = CriticScorerFixtures.WindowCalibration(2, -0.2, -0.1, 0, 0.1, 0.2);
        var scorer = new CriticScorer(critic, vocabulary, calibration, new CriticScorerOptions { WindowBars = 2, BatchSize = 8 });
        var pieces = CriticScorerFixtures.EventSequences(3);
        var alone = pieces.Select(p => scorer.Score(p)).ToArray();

        // Token by token, as a worker's batched step appends one token to each sequence; the bars completed at a
        // step are scored in one critic batch for all sequences.
        var lives = pieces.Select(_ => scorer.StartLive()).ToArray();
        var seen = pieces.Select(_ => new List<BarScore>()).ToArray();
        int batches = 0;
        for (int position = 0; position < pieces.Max(p => p.Length); position++)
        {
            var stepping = Enumerable.Range(0, pieces.Count).Where(i => position < pieces[i].Length).ToArray();
            foreach (int i in stepping) lives[i].Add([pieces[i][position]]);
            if (!stepping.Any(i => lives[i].HasUnscoredBars)) continue;
            var scored = CriticLiveScore.ScoreTogether(stepping.Select(i => lives[i]).ToArray());
            batches++;
            for (int k = 0; k < stepping.Length; k++) seen[stepping[k]].AddRange(scored[k]);
            Assert.All(stepping, i => Assert.False(lives[i].HasUnscoredBars));
        }
        for (int i = 0; i < pieces.Count; i++)
        {
            var finished = lives[i].Finish();
            Assert.Equal(Enumerable.Range(0, alone[i].Bars.Count - 1), seen[i].Select(b => b.Bar));
            // Windows batched with other sequences' windows: float sums may differ in the last bits.
            FloatAssert.Close(alone[i].RawBars.Take(seen[i].Count).ToArray(), seen[i].Select(b => b.Raw).ToArray(), 1e-5);
            FloatAssert.Close(alone[i].RawBars, finished.RawBars, 1e-5);
        }
        Assert.True(batches > 0);
        using var other = CriticScorerFixtures.Critic(vocabulary, context: 96, width: 16);
        var foreign = new CriticScorer(other, vocabulary, calibration, new CriticScorerOptions { WindowBars = 2 }).StartLive();
        Assert.Contains("one critic", Assert.Throws<ArgumentException>(() => CriticLiveScore.ScoreTogether([lives[0], foreign])).Message);
    }

    [Fact]
    public void Bad_inputs_are_clear_errors()
    {
        var vocabulary = new JsbGridTokenizer().Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 64, width: 16);
        var scorer = new CriticScorer(critic, vocabulary, CriticScorerFixtures.Calibration());
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => scorer.Score([])).Message);
        Assert.Contains("token 2 is 131", Assert.Throws<ArgumentException>(() => scorer.Score([2, 3, 131])).Message);
        Assert.Contains("token 1 is -1", Assert.Throws<ArgumentException>(() => scorer.StartLive().Feed(2, -1)).Message);
        Assert.Throws<InvalidOperationException>(() => scorer.StartLive().Finish());
        Assert.Contains("634", Assert.Throws<ArgumentException>(() => new CriticScorer(critic, CriticScorerFixtures.Events.Vocabulary,
            CriticScorerFixtures.Calibration())).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CriticScorer(critic, vocabulary, CriticScorerFixtures.Calibration(), new CriticScorerOptions { WindowBars = 0 }));
    }

    [Fact]
    public void Shuffled_bars_keep_every_token_and_the_header_first()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        var tokens = CriticScorerFixtures.EventSequences(1)[0];
        var shuffled = CriticNegatives.ShuffleBars(tokens, vocabulary, new Random(1));
        Assert.NotEqual(tokens, shuffled);
        Assert.Equal(tokens.Order(), shuffled.Order());
        int header = Array.IndexOf(tokens, EventVocabulary.BarId);
        Assert.Equal(tokens[..header], shuffled[..header]);
        Assert.Equal(EventVocabulary.EndId, shuffled[^1]);
    }

    [Fact]
    public void Shuffled_bars_leave_the_opening_time_signature_tempo_and_key_at_the_opening()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        string[] Settings(IEnumerable<int> ids) => ids.Select(vocabulary.TokenOf)
            .Where(t => t.StartsWith("TimeSig_") || t.StartsWith("Tempo_") || t.StartsWith("Key_")).ToArray();
        foreach (var tokens in CriticScorerFixtures.EventSequences(6))
        {
            int firstBar = Array.IndexOf(tokens, EventVocabulary.BarId);
            int secondBar = Array.IndexOf(tokens, EventVocabulary.BarId, firstBar + 1);
            string[] opening = Settings(tokens[firstBar..secondBar]);
            Assert.NotEmpty(opening);
            for (int seed = 0; seed < 5; seed++)
            {
                var shuffled = CriticNegatives.ShuffleBars(tokens, vocabulary, new Random(seed));
                int shuffledSecond = Array.IndexOf(shuffled, EventVocabulary.BarId, firstBar + 1);
                Assert.Equal(opening, Settings(shuffled[firstBar..shuffledSecond]));
                Assert.Equal(Settings(tokens).Order(), Settings(shuffled).Order());
                Assert.Equal("TimeSig_", vocabulary.TokenOf(shuffled[firstBar + 1])[..8]);
                // Every note of the piece is still there, in whole bars.
                Assert.Equal(tokens.Where(t => vocabulary.TokenOf(t).StartsWith("Pitch_")).Order(),
                    shuffled.Where(t => vocabulary.TokenOf(t).StartsWith("Pitch_")).Order());
            }
        }
    }

    [Fact]
    public void The_benchmark_scores_every_bar_window_through_the_scorer()
    {
        var result = CriticScorerBenchmarks.MeasureScoreWindows(TinyModels.Config(context: 64, width: 16), batchSize: 4, windowBars: 2, pieces: 2);
        var tokenizer = new EventTokenizer();
        int bars = SyntheticCorpus.Generate(2, 7).Sum(p => tokenizer.Encode(p).Count(t => t == EventVocabulary.BarId));
        Assert.Equal(bars, result.Windows);
        Assert.Equal((4, 2), (result.BatchSize, result.WindowBars));
        Assert.InRange(result.MeanWindowTokens, 1, 64);
        Assert.True(double.IsFinite(result.WindowsPerSecond) && result.WindowsPerSecond > 0);
    }
}
