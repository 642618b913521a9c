using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class PieceGenerationTests
{
    [Fact]
    public void A_briefly_trained_event_model_generates_exactly_the_requested_bars_and_the_same_seed_repeats_them()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 30, context: 64));
        trainer.Run();
        var options = new SamplingOptions { Seed = 5, Temperature = 1.0 };
        var first = PieceGeneration.Generate(trainer.Generator, TinyRuns.Vocabulary, bars: 2, options);
        var again = PieceGeneration.Generate(trainer.Generator, TinyRuns.Vocabulary, bars: 2, options);
        Assert.True(first.Complete);
        Assert.Equal(first.Tokens, again.Tokens);
        Assert.Equal(2, first.Tokens.Count(t => t == EventVocabulary.BarId));
        Assert.Equal(EventVocabulary.EndId, first.Tokens[^1]);
        // What was decoded is what the tokens say.
        Assert.Equal(new EventTokenizer().Decode(first.Tokens).Notes, first.Piece.Notes);
    }

    [Fact]
    public void A_primer_is_continued_by_the_requested_bars()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 2, context: 64));
        var primer = new EventTokenizer().Quantize(SyntheticCorpus.Generate(1, seed: 11)[0]);
        int primerBars = new EventTokenizer().Encode(primer).Count(t => t == EventVocabulary.BarId);
        var generated = PieceGeneration.Generate(trainer.Generator, TinyRuns.Vocabulary, bars: 1, new SamplingOptions { Seed = 2, TopK = 20 }, primer);
        Assert.True(generated.Complete);
        Assert.Equal(primerBars + 1, generated.Tokens.Count(t => t == EventVocabulary.BarId));
        Assert.True(generated.Piece.Notes.Count >= primer.Notes.Count);
    }

    [Fact]
    public void An_untrained_grid_model_generates_whole_four_voice_bars()
    {
        var grid = new JsbGridTokenizer();
        using var model = TinyModels.Generator(TinyModels.Config(vocab: grid.Vocabulary.Count, context: 32));
        var generated = PieceGeneration.Generate(model, grid.Vocabulary, bars: 1, new SamplingOptions { Seed = 3 });
        Assert.True(generated.Complete);
        Assert.Equal(1 + 16 * 4, generated.Tokens.Length);
        Assert.All(generated.Tokens.Skip(1), t => Assert.True(t >= JsbGridTokenizer.SilentId));
    }
}
