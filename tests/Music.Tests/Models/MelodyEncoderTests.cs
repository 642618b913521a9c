using MusicCluster.Music.Data;
using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Harmony;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

/// <summary>
/// A harmony model with a melody encoder writes every note knowing the whole melody: what it writes at a step depends
/// on melody notes far beyond its context window, sampling reads the melody at the right positions as the window
/// slides (with or without the KV cache), and a trained model without an encoder gains one without changing what it computes.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class MelodyEncoderTests
{
    private static readonly JsbHarmonyTokenizer Layout = new();

    private static TransformerConfig Config(int? encoderLayers = 1) =>
        TinyModels.Config(vocab: Layout.Vocabulary.Count, context: 48) with { MelodyEncoderLayers = encoderLayers };

    /// <summary>A model whose encoder already says something (a new one's output projection starts at zero).</summary>
    internal static TransformerGenerator Listening(long seed = 3)
    {
        var model = TinyModels.Generator(Config(), seed);
        using var noGradient = no_grad();
        manual_seed(seed);
        foreach (var (name, parameter) in model.named_parameters())
            if (name.Contains("projection", StringComparison.Ordinal)) parameter.normal_(0, 0.5);
        return model;
    }

    /// <summary>Four-part chorales of the synthetic corpus as grids of whole steps.</summary>
    internal static IReadOnlyList<ChoraleGrid> Chorales(int count, int seed) =>
        SyntheticCorpus.Generate(count * 3, seed).Where((_, i) => SyntheticCorpus.StyleOf(i) == SyntheticStyle.Chorale)
            .Select(piece => ChoraleGrid.FromPiece(piece)).Take(count).ToList();

    private static int[] Sequence(ChoraleGrid grid) => [JsbGridTokenizer.BeginId, .. Layout.EncodeGrid(grid)];

    private static float[] LogitsAt(TransformerGenerator model, int[] sequence, int position, int[] melodyOf)
    {
        using var scope = NewDisposeScope();
        int time = model.Config.ContextLength;
        var melody = MelodyConditioning.ForMelody(Layout, melodyOf, sequence.Length);
        var context = MelodyConditioning.WindowsContext(model, [melody], [0], time);
        var input = tensor(sequence.Take(time).Select(t => (long)t).ToArray(), [1, time], dtype: int64);
        return model.forward(input, context)[0, position].data<float>().ToArray();
    }

    [Fact]
    public void What_is_written_at_a_step_depends_on_the_melody_long_after_the_context_window()
    {
        var grid = Chorales(1, seed: 4)[0];
        Assert.True(grid.Steps > 40, $"the chorale has {grid.Steps} steps");
        int[] sequence = Sequence(grid);
        int[] melody = Enumerable.Range(0, grid.Steps).Select(step => JsbGridTokenizer.IdOfCell(grid[step, 0])).ToArray();
        int[] changedLate = melody.ToArray();
        changedLate[^2] = changedLate[^2] == JsbGridTokenizer.SilentId ? JsbGridTokenizer.IdOfCell(70) : JsbGridTokenizer.SilentId;
        // Input position of the alto of step 2: the window's 48 positions hold steps 0-8, the change is at the last steps.
        int altoOfStep2 = JsbHarmonyTokenizer.IndexOf(2, 1);

        using (var listening = Listening())
        {
            float[] before = LogitsAt(listening, sequence, altoOfStep2, melody), after = LogitsAt(listening, sequence, altoOfStep2, changedLate);
            Assert.True(before.Zip(after).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "the alto of step 2 does not hear the melody's end");
        }
        // Without an encoder (or with a new one, which says nothing yet) the far future cannot matter.
        using var fresh = TinyModels.Generator(Config(), seed: 3);
        Assert.Equal(LogitsAt(fresh, sequence, altoOfStep2, melody), LogitsAt(fresh, sequence, altoOfStep2, changedLate));
    }

    [Fact]
    public void A_trained_model_that_gains_an_encoder_computes_exactly_what_it_computed_before()
    {
        using var trained = TinyModels.Generator(Config(encoderLayers: null), seed: 8);
        using var gained = TinyModels.Generator(Config(), seed: 9);
        gained.CopyWeightsFrom(trained);
        var grid = Chorales(1, seed: 4)[0];
        int[] sequence = Sequence(grid);
        int[] melody = Enumerable.Range(0, grid.Steps).Select(step => JsbGridTokenizer.IdOfCell(grid[step, 0])).ToArray();
        using var input = tensor(sequence.Take(48).Select(t => (long)t).ToArray(), [1, 48], dtype: int64);
        using var plain = trained.forward(input);
        var withMelody = LogitsAt(gained, sequence, 47, melody);
        Assert.Equal(plain[0, 47].data<float>().ToArray(), withMelody);

        using var wider = TinyModels.Generator(Config() with { ModelWidth = 32 }, seed: 9);
        Assert.Contains("has no counterpart of that shape", Assert.Throws<ArgumentException>(() => wider.CopyWeightsFrom(trained)).Message);
    }

    [Fact]
    public void Harmonising_with_a_melody_encoder_keeps_the_melody_and_draws_the_same_with_and_without_the_kv_cache_as_the_window_slides()
    {
        using var model = Listening();
        var melody = SopranoMelody.FromPiece(HarmoniserTests.Tune(bars: 4, seed: 2));
        var options = new SamplingOptions { Seed = 5, Temperature = 1.2 };
        var cached = Harmoniser.Harmonise(model, Layout.Vocabulary, melody, options);
        var uncached = Harmoniser.Harmonise(model, Layout.Vocabulary, melody, options with { UseKvCache = false });

        Assert.True(cached.Complete);
        // 64 steps are 272 positions over a 48-position context: the window slides many times.
        Assert.Equal(melody.Steps, cached.Grid.Steps);
        Assert.Equal(Enumerable.Range(0, melody.Steps).Select(step => melody.Cells[step]), Enumerable.Range(0, melody.Steps).Select(step => cached.Grid[step, 0]));
        Assert.Equal(cached.Grid.Cells(), uncached.Grid.Cells());

        // The melody is read: another melody under the same seed gives other lower voices at the first steps.
        var other = SopranoMelody.FromPiece(HarmoniserTests.Tune(bars: 4, seed: 3));
        var otherResult = Harmoniser.Harmonise(model, Layout.Vocabulary, other, options);
        Assert.NotEqual(cached.Grid.Cells(), otherResult.Grid.Cells());
    }

    [Fact]
    public void A_training_batch_reads_each_window_pieces_own_soprano_and_the_nll_counts_no_melody_cell()
    {
        var grids = Chorales(3, seed: 6);
        var sequences = grids.Select(Sequence).ToList();
        var windows = new TrainingWindows(sequences, 49, seed: 1);
        // Every stream position maps back to its sequence and position.
        int index = 0;
        for (int s = 0; s < sequences.Count; s++)
            for (int p = 0; p < sequences[s].Length; p++, index++)
                Assert.Equal((s, p), windows.Locate(index));

        using var model = Listening();
        // The validation NLL of a run counts the same targets: only alto, tenor and bass.
        double perToken = ValidationLoss.NllPerToken(model, sequences, melodyLayout: Layout);
        var total = EvaluationNll.Compute(model, Layout.Vocabulary, sequences.Select(s => (IReadOnlyList<int>)s.Skip(1).ToArray()));
        int lowerVoiceCells = grids.Sum(g => g.Steps * 3);
        Assert.Equal(lowerVoiceCells, total.Tokens);
        Assert.True(double.IsFinite(total.PerToken));
        Assert.Equal(total.PerToken, perToken, 1e-3);
        Assert.Contains("melody", Assert.Throws<ArgumentException>(() => ValidationLoss.NllPerToken(model, sequences)).Message);
    }

    [Fact]
    public void A_harmony_run_started_from_a_model_without_an_encoder_gains_one_learns_and_saves_it()
    {
        var grids = Chorales(4, seed: 7);
        var sequences = grids.Select(Sequence).ToList();
        var plain = new RunConfig
        {
            Model = TinyModels.Config(vocab: Layout.Vocabulary.Count, context: 48) with { PadTokenId = 0 },
            Critic = new CriticArchitecture { Layers = 1, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32, Dropout = 0 },
            Seed = 3,
            BatchSize = 4,
            LearningRate = 3e-3,
            WarmupSteps = 2,
            MleSteps = 2,
            ValidateEvery = 0,
            CheckpointEvery = 0,
            CheckpointMinutes = 0,
        };
        var dataset = new DatasetReference("tiny-harmony", new string('0', 64));
        using var first = new Trainer(plain, Layout.Vocabulary, sequences.Take(3).ToList(), sequences.Skip(3).ToList(), dataset);
        first.Run();
        var archive = first.CreateCheckpoint();

        var withEncoder = plain with { Model = plain.Model with { MelodyEncoderLayers = 1 }, MleSteps = 30 };
        using var checkpoint = ModelCheckpoint.Unpack(archive, "first.ckpt", Layout.Vocabulary);
        using var second = Trainer.StartFrom(checkpoint, "first.ckpt", withEncoder, Layout.Vocabulary, sequences.Take(3).ToList(), sequences.Skip(3).ToList(), dataset);
        Assert.True(second.Generator.HasMelodyEncoder);
        // The first run's weights under the new encoder, which then learns with them.
        var decoder = first.Generator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(second.Generator.named_parameters().Where(p => decoder.ContainsKey(p.name)),
            p => Assert.True(p.parameter.allclose(decoder[p.name], 0, 0), p.name));
        double start = second.ValidNll();
        var result = second.Run();
        Assert.True(result.LastValidNll < start, $"valid NLL {start} -> {result.LastValidNll}");

        using var saved = ModelCheckpoint.Unpack(second.CreateCheckpoint(), "second.ckpt", Layout.Vocabulary);
        Assert.Equal(1, saved.Info.RunConfig.Model.MelodyEncoderLayers);
        var names = saved.Generator.named_parameters().Select(p => p.name).ToList();
        Assert.Contains(names, n => n.StartsWith("melodyEncoder.", StringComparison.Ordinal));
        Assert.All(second.Generator.named_parameters().Zip(saved.Generator.named_parameters()),
            pair => Assert.True(pair.First.parameter.allclose(pair.Second.parameter, 0, 0), pair.First.name));
    }
}

internal static class GridCells
{
    public static int[] Cells(this ChoraleGrid grid) =>
        Enumerable.Range(0, grid.Steps).SelectMany(step => Enumerable.Range(0, ChoraleGrid.Voices).Select(voice => grid[step, voice])).ToArray();
}
