using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tests.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using MusicCluster.TestSupport;

namespace MusicCluster.Music.Tests.Harmony;

[Collection(TinyModels.Collection)]
public sealed class HarmoniserTests
{
    private static readonly JsbHarmonyTokenizer HarmonyTokens = new();
    private static readonly JsbGridTokenizer Grid = new();

    /// <summary>A melody of quarter and eighth notes inside the soprano's range, with a repeated note and a rest.</summary>
    internal static Piece Tune(int bars, int seed)
    {
        var random = new Random(seed);
        var notes = new List<Note>();
        long tick = 0, end = bars * 4L * Piece.DefaultTicksPerQuarter;
        while (tick < end)
        {
            long length = random.Next(3) == 0 ? 240 : 480;
            if (random.Next(12) != 0) notes.Add(new Note(random.Next(62, 80), tick, length, 90, 0));
            tick += length;
        }
        return PieceBuilder.Normalize(new Piece { Notes = notes, TimeSignatures = [new TimeSignature(0, 4, 4)] });
    }

    [Fact]
    public void The_melody_is_kept_note_for_note_and_the_lower_voices_obey_range_and_one_note_at_a_time_on_many_seeds()
    {
        using var model = TinyModels.Generator(TinyModels.Config(vocab: HarmonyTokens.Vocabulary.Count, context: 96), seed: 5);
        for (int seed = 0; seed < 12; seed++)
        {
            var tune = Tune(bars: 3, seed);
            var melody = SopranoMelody.FromPiece(tune);
            var result = Harmoniser.Harmonise(model, HarmonyTokens.Vocabulary, melody, new SamplingOptions { Seed = seed, Temperature = 1.5 });

            Assert.True(result.Complete);
            Assert.Equal(tune.Notes.Select(n => (n.Pitch, n.Start, n.Duration)), result.Piece.Notes.Where(n => n.Track == 0).Select(n => (n.Pitch, n.Start, n.Duration)));
            Assert.Equal(melody.Steps, result.Grid.Steps);
            for (int step = 0; step < result.Grid.Steps; step++)
            {
                Assert.Equal(melody.Cells[step], result.Grid[step, 0]);
                for (int voice = 1; voice < ChoraleGrid.Voices; voice++)
                    Assert.True(ChoraleVoices.RangeOf(voice).Contains(result.Grid[step, voice]),
                        $"seed {seed}, step {step}, {ChoraleGrid.VoiceNames[voice]} {result.Grid[step, voice]}");
            }
            var figures = ChoraleMetrics.Of(result.Piece);
            Assert.Equal(1.0, figures.NotesInRangeShare);
            Assert.Equal(1.0, figures.MonophonicVoiceShare);
            Assert.Equal(ChoraleGrid.Voices, figures.Voices);
        }
    }

    [Fact]
    public void Each_bar_keeps_the_candidate_the_critic_ranks_first()
    {
        using var model = TinyModels.Generator(TinyModels.Config(vocab: HarmonyTokens.Vocabulary.Count, context: 160), seed: 3);
        using var criticModel = CriticScorerFixtures.Critic(Grid.Vocabulary, context: 160, width: 16);
        var critic = new CriticWindowScorer(criticModel, Grid.Vocabulary, new CriticScorerOptions { WindowBars = 2 });
        var melody = SopranoMelody.FromPiece(Tune(bars: 3, seed: 9));
        var options = new SamplingOptions { Seed = 11, Temperature = 1.2 };
        var bars = new List<GuidedBar>();
        var guided = Harmoniser.Harmonise(model, HarmonyTokens.Vocabulary, melody, options, candidates: 5, critic, onBar: bars.Add);

        Assert.True(guided.Complete);
        Assert.Equal(3, bars.Count);
        int[] prefix = [JsbGridTokenizer.BeginId];
        foreach (var bar in bars)
        {
            int until = Math.Min(melody.Steps, (bar.Bar + 1) * 16);
            var candidates = Sampler.SampleBatch(model, Enumerable.Repeat<IReadOnlyList<int>>(prefix, 5).ToList(),
                options with { Seed = CriticGuidance.BarSeed(options.Seed, bar.Bar), MaxNewTokens = 1000 },
                Enumerable.Range(0, 5).Select(_ => (ITokenConstraint?)GridCellsConstraint.ForMelody(melody.Cells, until)).ToList());
            double[] scores = critic.ScoreLastBars(candidates
                .Select(c => (IReadOnlyList<int>)GridRewrite.ChoraleTokens(HarmonyTokens.DecodeWholeSteps(c.Tokens.Skip(1).ToArray()))).ToList());
            FloatAssert.Close(scores, bar.CandidateScores, 1e-5);
            Assert.Equal(Enumerable.Range(0, 5).MaxBy(i => scores[i]), bar.Chosen);
            prefix = candidates[bar.Chosen].Tokens.ToArray();
            Assert.True(candidates.Select(c => string.Join(',', c.Tokens)).Distinct().Count() > 1);
        }
        Assert.Equal(HarmonyTokens.DecodeWholeSteps(prefix.AsSpan(1)), guided.Grid);
        Assert.Contains(bars, b => b.Chosen != 0);
    }

    [Fact]
    public void A_chorale_model_harmonises_too_and_an_event_model_is_refused()
    {
        using var grid = TinyModels.Generator(TinyModels.Config(vocab: Grid.Vocabulary.Count, context: 64), seed: 1);
        var melody = SopranoMelody.FromPiece(Tune(bars: 2, seed: 1));
        var result = Harmoniser.Harmonise(grid, Grid.Vocabulary, melody, new SamplingOptions { Seed = 3 });
        Assert.Equal(melody.Cells, Enumerable.Range(0, result.Grid.Steps).Select(step => result.Grid[step, 0]));
        var events = new EventTokenizer();
        using var eventModel = TinyModels.Generator(TinyModels.Config(vocab: events.Vocabulary.Count, context: 64), seed: 1);
        var error = Assert.Throws<ArgumentException>(() => Harmoniser.Harmonise(eventModel, events.Vocabulary, melody, new SamplingOptions()));
        Assert.Contains("needs a harmony model", error.Message);
    }
}
