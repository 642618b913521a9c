using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public class JsbHarmonyTokenizerTests
{
    private static readonly JsbHarmonyTokenizer Tokenizer = new();

    private static ChoraleGrid RandomGrid(Random random, int steps) =>
        new(Enumerable.Range(0, steps).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, ChoraleGrid.Voices)
            .Select(_ => random.Next(8) == 0 ? ChoraleGrid.Silent : random.Next(36, 82)).ToArray()));

    [Fact]
    public void Grids_of_any_length_round_trip()
    {
        var random = new Random(7);
        foreach (int steps in new[] { 0, 1, 5, 15, 16, 17, 64, 133 })
        {
            var grid = RandomGrid(random, steps);
            int[] ids = Tokenizer.EncodeGrid(grid);
            Assert.Equal(JsbHarmonyTokenizer.SopranoLead + steps * ChoraleGrid.Voices, ids.Length);
            Assert.Equal(grid, Tokenizer.DecodeGrid(ids));
            Assert.Equal(grid, TokenizerFactory.FromVocabulary(Tokenizer.Vocabulary) is IGridTokenizer g ? g.DecodeGrid(ids) : null);
        }
    }

    [Fact]
    public void The_soprano_of_a_step_comes_a_bar_before_its_lower_voices_and_the_lower_voices_in_raster_order()
    {
        var grid = RandomGrid(new Random(3), 40);
        int[] ids = Tokenizer.EncodeGrid(grid);
        for (int step = 0; step < grid.Steps; step++)
        {
            for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
            {
                int index = JsbHarmonyTokenizer.IndexOf(step, voice);
                Assert.Equal((step, voice), JsbHarmonyTokenizer.CellAt(index));
                Assert.Equal(JsbGridTokenizer.IdOfCell(grid[step, voice]), ids[index]);
            }
            int alto = JsbHarmonyTokenizer.IndexOf(step, 1);
            // Every soprano cell up to a bar ahead has been read when the alto of the step is written...
            for (int ahead = 0; ahead <= JsbHarmonyTokenizer.SopranoLead && step + ahead < grid.Steps; ahead++)
                Assert.True(JsbHarmonyTokenizer.IndexOf(step + ahead, 0) < alto, $"soprano of step {step + ahead} after the alto of step {step}");
            // ...and alto, tenor, bass follow one another, after the previous step's bass.
            Assert.Equal(alto + 1, JsbHarmonyTokenizer.IndexOf(step, 2));
            Assert.Equal(alto + 2, JsbHarmonyTokenizer.IndexOf(step, 3));
            if (step > 0) Assert.True(JsbHarmonyTokenizer.IndexOf(step - 1, 3) < alto);
        }
        // Past the end the soprano lead is silent.
        Assert.Equal(JsbGridTokenizer.SilentId, ids[^4]);
    }

    [Fact]
    public void It_holds_the_grid_tokens_under_their_ids_in_a_vocabulary_of_its_own()
    {
        var grid = new JsbGridTokenizer();
        Assert.True(Tokenizer.Vocabulary.SameTokens(grid.Vocabulary));
        Assert.False(Tokenizer.Vocabulary.SameAs(grid.Vocabulary));
        Assert.StartsWith(JsbHarmonyTokenizer.Kind, Tokenizer.Vocabulary.Version);
    }

    [Fact]
    public void Sampled_sequences_decode_to_their_whole_steps_and_bad_ones_are_refused_naming_the_index()
    {
        var grid = RandomGrid(new Random(5), 30);
        int[] ids = Tokenizer.EncodeGrid(grid);
        var cut = Tokenizer.DecodeWholeSteps(ids.AsSpan(0, ids.Length - 2));
        Assert.Equal(29, cut.Steps);
        Assert.Equal(grid.Raster[..(29 * ChoraleGrid.Voices)].ToArray(), cut.Raster.ToArray());
        Assert.Equal(0, Tokenizer.DecodeWholeSteps(ids.AsSpan(0, 10)).Steps);

        Assert.Throws<TokenDecodeException>(() => Tokenizer.DecodeGrid(ids.AsSpan(0, ids.Length - 1)));
        int[] bad = (int[])ids.Clone();
        bad[JsbHarmonyTokenizer.IndexOf(3, 2)] = JsbGridTokenizer.BeginId;
        var error = Assert.Throws<TokenDecodeException>(() => Tokenizer.DecodeGrid(bad));
        Assert.Contains("only Silent and Pitch", error.Message);
    }
}
