using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public sealed class GrammarConstraintTests
{
    private static readonly EventTokenizer Events = new();

    /// <summary>
    /// Walks the grammar as a sampler would, picking among the allowed tokens at random (structural tokens
    /// -- Bar, Position, eos -- often, so sequences end), and returns the sequence once the constraint says it is complete.
    /// </summary>
    private static List<int> Walk(ITokenConstraint constraint, List<int> tokens, int vocabulary, int seed, int limit = 20_000)
    {
        var random = new SplitMix64((ulong)seed);
        var allowed = new bool[vocabulary];
        while (!constraint.IsComplete(tokens.ToArray()))
        {
            Assert.True(tokens.Count < limit, "the walk did not complete");
            Array.Clear(allowed);
            constraint.FillAllowed(tokens.ToArray(), allowed);
            var ids = Enumerable.Range(0, vocabulary).Where(i => allowed[i]).ToList();
            Assert.NotEmpty(ids);
            var structural = ids.Where(i => i is EventVocabulary.BarId or EventVocabulary.EndId || Events.Table.KindOf(i) == EventTokenKind.Position).ToList();
            tokens.Add(structural.Count > 0 && random.Chance(0.4) ? random.Pick(structural) : random.Pick(ids));
        }
        return tokens;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(8, 3)]
    public void Every_sequence_the_event_constraint_allows_decodes_with_the_requested_bars(int bars, int seed)
    {
        for (int run = 0; run < 20; run++)
        {
            var tokens = Walk(new EventGrammarConstraint(Events.Table, bars), [EventVocabulary.BeginId], Events.Vocabulary.Count, seed * 100 + run);
            // The incremental decoder accepts every token, and the sequence ends on <eos> after exactly `bars` bars.
            var decoder = new EventDecoder(Events.Table);
            for (int i = 0; i < tokens.Count; i++) decoder.Accept(tokens[i], i);
            Assert.True(decoder.AtBoundary);
            decoder.Finish();
            Assert.Equal(EventVocabulary.EndId, tokens[^1]);
            Assert.Equal(bars, tokens.Count(t => t == EventVocabulary.BarId));
        }
    }

    [Fact]
    public void The_event_constraint_continues_a_primer_by_the_requested_bars()
    {
        var piece = SyntheticCorpus.Generate(1, seed: 3)[0];
        int[] encoded = Events.Encode(piece);
        int primerBars = encoded.Count(t => t == EventVocabulary.BarId);
        var primer = encoded[..^1].ToList(); // without <eos>
        var tokens = Walk(new EventGrammarConstraint(Events.Table, 2), primer, Events.Vocabulary.Count, seed: 9);
        Assert.Equal(primerBars + 2, tokens.Count(t => t == EventVocabulary.BarId));
        Events.Decode(tokens.ToArray());
    }

    [Fact]
    public void A_primer_that_breaks_the_grammar_is_reported_with_its_index()
    {
        var constraint = new EventGrammarConstraint(Events.Table, 1);
        int pitch = Events.Table.IdOf(EventTokenKind.Pitch, 60);
        var error = Assert.Throws<TokenDecodeException>(() => constraint.FillAllowed([EventVocabulary.BeginId, pitch], new bool[Events.Vocabulary.Count]));
        Assert.Contains("1", error.Message);
    }

    [Fact]
    public void The_grid_constraint_allows_only_in_range_pitches_and_completes_after_whole_bars()
    {
        var grid = new JsbGridTokenizer();
        var constraint = new JsbGridConstraint(2, new ChoraleRules { VoiceLeading = false });
        var tokens = new List<int> { JsbGridTokenizer.BeginId };
        var allowed = new bool[grid.Vocabulary.Count];
        var random = new SplitMix64(4);
        while (!constraint.IsComplete(tokens.ToArray()))
        {
            Array.Clear(allowed);
            constraint.FillAllowed(tokens.ToArray(), allowed);
            VoiceRange range = ChoraleVoices.Ranges[(tokens.Count - 1) % 4];
            var permitted = Enumerable.Range(0, allowed.Length).Where(id => allowed[id]).ToArray();
            Assert.Equal(Enumerable.Range(JsbGridTokenizer.FirstPitchId + range.Lowest, range.Highest - range.Lowest + 1), permitted);
            tokens.Add(random.Pick(permitted));
        }
        Assert.Equal(1 + 2 * 16 * 4, tokens.Count);
        Assert.Equal(32, grid.DecodeGrid(tokens.Skip(1).ToArray()).Steps);
    }

    [Fact]
    public void A_primer_with_silence_or_out_of_range_notes_is_taken_as_it_is_and_only_new_cells_obey_the_ranges()
    {
        var grid = new JsbGridTokenizer();
        var constraint = new JsbGridConstraint(1);
        int[] primer = [JsbGridTokenizer.BeginId, JsbGridTokenizer.FirstPitchId + 90, JsbGridTokenizer.SilentId, JsbGridTokenizer.SilentId];
        var allowed = new bool[grid.Vocabulary.Count];
        constraint.FillAllowed(primer, allowed);
        Assert.False(allowed[JsbGridTokenizer.SilentId]);
        Assert.True(allowed[JsbGridTokenizer.FirstPitchId + 36]);
        Assert.False(allowed[JsbGridTokenizer.FirstPitchId + 35]);
        // The primer's unfinished step is finished, then one bar: 3 + 64 cells.
        var tokens = primer.ToList();
        while (!constraint.IsComplete(tokens.ToArray())) tokens.Add(JsbGridTokenizer.FirstPitchId + 50);
        Assert.Equal(primer.Length + 1 + 64, tokens.Count);
    }
}
