using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tests.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.TestSupport;

namespace MusicCluster.Music.Tests.Harmony;

[Collection(TinyModels.Collection)]
public sealed class RegeneratorTests
{
    private static readonly JsbGridTokenizer Grid = new();
    private static readonly JsbHarmonyTokenizer HarmonyTokens = new();

    /// <summary>A four-part piece of whole bars with held, repeated and tied-over-the-barline notes in every voice.</summary>
    internal static Piece Chorale(int bars, int seed)
    {
        var random = new Random(seed);
        var notes = new List<Note>();
        for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
        {
            var range = ChoraleVoices.RangeOf(voice);
            for (long tick = 0; tick < bars * 1920L;)
            {
                long length = Math.Min(bars * 1920L - tick, 240L * random.Next(1, 7));
                notes.Add(new Note(random.Next(range.Lowest, range.Highest + 1), tick, length, 70 + voice, voice, voice));
                tick += length;
            }
        }
        return PieceBuilder.Normalize(new Piece { Notes = notes, TimeSignatures = [new TimeSignature(0, 4, 4)] });
    }

    [Theory]
    [InlineData("soprano,alto,tenor,bass")]
    [InlineData("alto,bass")]
    [InlineData("S")]
    public void Every_note_outside_the_chosen_bars_and_voices_is_kept_on_many_seeds(string voiceNames)
    {
        var voices = RegenerationPlan.ParseVoices(voiceNames.Split(','));
        bool harmony = !voices.Contains(0);
        var vocabulary = harmony ? HarmonyTokens.Vocabulary : Grid.Vocabulary;
        using var model = TinyModels.Generator(TinyModels.Config(vocab: vocabulary.Count, context: 96), seed: 4);
        for (int seed = 0; seed < 8; seed++)
        {
            var piece = Chorale(bars: 4, seed);
            int from = 2 + seed % 2, to = from + seed % 2;
            var plan = RegenerationPlan.For(piece, from, to, voices);
            Assert.Equal(harmony, plan.UsesHarmonyModel);
            var result = Regenerator.Regenerate(model, vocabulary, plan, new SamplingOptions { Seed = seed, Temperature = 1.5 });
            Assert.True(result.Complete);

            long fromTick = (from - 1) * 1920L, toTick = to * 1920L;
            bool Outside(Note n) => !voices.Contains(n.Track) || n.End <= fromTick || n.Start >= toTick;
            var kept = piece.Notes.Where(Outside).ToHashSet();
            Assert.All(kept, n => Assert.Contains(n, result.Piece.Notes));
            // Only notes inside the chosen bars and voices are new, and they stay in range, one at a time.
            Assert.All(result.Piece.Notes.Where(n => !kept.Contains(n)), n =>
            {
                Assert.Contains(n.Track, voices);
                Assert.True(n.Start >= fromTick - 1920 && n.End <= toTick + 1920, $"seed {seed}: {n} far outside bars {from}-{to}");
            });
            for (int step = 0; step < result.Grid.Steps; step++)
                for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
                    if (plan.IsRewritten(step, voice)) Assert.True(ChoraleVoices.RangeOf(voice).Contains(result.Grid[step, voice]));
                    else Assert.Equal(plan.Grid[step, voice], result.Grid[step, voice]);
            Assert.Equal(1.0, ChoraleMetrics.Of(result.Piece).MonophonicVoiceShare);
            Assert.Contains(result.Piece.Notes, n => !kept.Contains(n));
        }
    }

    [Fact]
    public void The_last_bar_is_chosen_by_how_it_joins_the_kept_bar_after_it()
    {
        using var model = TinyModels.Generator(TinyModels.Config(vocab: Grid.Vocabulary.Count, context: 160), seed: 2);
        using var criticModel = CriticScorerFixtures.Critic(Grid.Vocabulary, context: 160, width: 16);
        var critic = new CriticWindowScorer(criticModel, Grid.Vocabulary, new CriticScorerOptions { WindowBars = 2 });
        var plan = RegenerationPlan.For(Chorale(bars: 4, seed: 3), 2, 3, [0, 1, 2, 3]);
        var bars = new List<MusicCluster.Music.Training.GuidedBar>();
        var result = Regenerator.Regenerate(model, Grid.Vocabulary, plan, new SamplingOptions { Seed = 5 }, candidates: 4, critic, onBar: bars.Add);

        Assert.Equal(2, bars.Count);
        // The chosen candidate's score is that of the window ending with bar 4, which was kept.
        int[] withNext = Regenerator.CandidateForCritic(plan, [JsbGridTokenizer.BeginId, .. Grid.EncodeGrid(ChoraleGrid.FromRaster(result.Grid.Raster[..(48 * 4)]))]);
        Assert.Equal(1 + 64 * 4, withNext.Length);
        FloatAssert.Close([bars[1].CandidateScores[bars[1].Chosen]], critic.ScoreLastBars([withNext]), 1e-5);
    }

    [Theory]
    [InlineData(0, 1, "fromBar: the piece has bars 1-4, not 0")]
    [InlineData(3, 2, "toBar: must be from fromBar (3) to the last bar (4), not 2")]
    [InlineData(2, 5, "toBar")]
    public void Bars_outside_the_piece_are_refused_naming_the_field(int from, int to, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => RegenerationPlan.For(Chorale(4, 1), from, to, [1]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Voices_and_pieces_that_cannot_be_rewritten_are_refused()
    {
        Assert.Contains("'baritone' is not a voice", Assert.Throws<ArgumentException>(() => RegenerationPlan.ParseVoices(["alto", "baritone"])).Message);
        Assert.Equal([0, 1, 2, 3], RegenerationPlan.ParseVoices(null));
        var piano = PieceBuilder.Normalize(new Piece { Notes = [new Note(60, 0, 480, 80, 0), new Note(64, 0, 480, 80, 0)] });
        Assert.Contains("one note at a time", Assert.Throws<ArgumentException>(() => RegenerationPlan.For(piano, 1, 1, [0])).Message);
        var waltz = Chorale(2, 1) with { TimeSignatures = [new TimeSignature(0, 3, 4)] };
        Assert.Contains("4/4", Assert.Throws<ArgumentException>(() => RegenerationPlan.For(waltz, 1, 1, [0])).Message);
        using var model = TinyModels.Generator(TinyModels.Config(vocab: Grid.Vocabulary.Count, context: 64), seed: 1);
        var sopranoKept = RegenerationPlan.For(Chorale(2, 1), 1, 1, [1, 2]);
        Assert.Contains("needs the harmony model",
            Assert.Throws<ArgumentException>(() => Regenerator.Regenerate(model, Grid.Vocabulary, sopranoKept, new SamplingOptions())).Message);
    }
}
