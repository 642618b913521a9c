using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tests.Tokens;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Data;

public class SyntheticCorpusTests
{
    [Fact]
    public void The_same_seed_gives_the_same_pieces_and_a_longer_corpus_extends_a_shorter_one()
    {
        var first = SyntheticCorpus.Generate(12, 42);
        var again = SyntheticCorpus.Generate(20, 42);
        for (int i = 0; i < first.Count; i++) PieceAssert.Equal(first[i], again[i], $"piece {i}");
        var other = SyntheticCorpus.Generate(12, 43);
        Assert.Contains(Enumerable.Range(0, 12), i => !first[i].Notes.SequenceEqual(other[i].Notes));
        Assert.Equal(12, first.Select(p => string.Join(",", p.Notes.Select(n => n.Pitch))).Distinct().Count());
    }

    [Fact]
    public void Styles_take_turns_and_are_recognisable_by_meter_and_texture()
    {
        var pieces = SyntheticCorpus.Generate(90, 1);
        for (int i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            var style = SyntheticCorpus.StyleOf(i);
            Assert.Contains(SyntheticCorpus.Describe(style), piece.Metadata.Title);
            switch (style)
            {
                case SyntheticStyle.Chorale:
                    Assert.Equal((4, 4), (piece.TimeSignatures[0].Numerator, piece.TimeSignatures[0].Denominator));
                    Assert.Equal(4, piece.Tracks.Count);
                    var grid = ChoraleGrid.FromPiece(piece); // four monophonic voices, or this throws
                    for (int step = 0; step < grid.Steps; step++)
                        Assert.True(grid[step, 0] >= grid[step, 1] && grid[step, 3] < grid[step, 2], $"piece {i} step {step}: voices out of order");
                    break;
                case SyntheticStyle.MelodyWithAccompaniment:
                    Assert.Equal((4, 4), (piece.TimeSignatures[0].Numerator, piece.TimeSignatures[0].Denominator));
                    Assert.Equal(2, piece.Tracks.Count);
                    // Alberti bass: the accompaniment moves in eighth notes.
                    Assert.True(piece.Notes.Count(n => n.Track == 1 && n.Duration == 240) >= 8 * 7);
                    Assert.True(piece.Notes.Where(n => n.Track == 0).Min(n => n.Pitch) > piece.Notes.Where(n => n.Track == 1).Max(n => n.Pitch));
                    break;
                case SyntheticStyle.Waltz:
                    Assert.Equal((3, 4), (piece.TimeSignatures[0].Numerator, piece.TimeSignatures[0].Denominator));
                    // Oom-pah-pah: every accompaniment onset falls on a beat, the lowest note on beat 1.
                    var accompaniment = piece.Notes.Where(n => n.Track == 1).ToList();
                    Assert.All(accompaniment, n => Assert.Equal(0, n.Start % 480));
                    Assert.All(accompaniment.GroupBy(n => n.Start / 1440), bar => Assert.Equal(0, bar.MinBy(n => n.Pitch)!.Start % 1440));
                    break;
            }
        }
    }

    [Fact]
    public void Pieces_stay_in_the_key_and_in_range_and_end_on_the_tonic()
    {
        foreach (var piece in SyntheticCorpus.Generate(60, 5))
        {
            var key = piece.KeySignatures.Single();
            int tonic = key.TonicPitchClass;
            int[] scale = (key.Minor ? new[] { 0, 2, 3, 5, 7, 8, 11 } : [0, 2, 4, 5, 7, 9, 11]).Select(s => (s + tonic) % 12).ToArray();
            Assert.All(piece.Notes, n => Assert.Contains(n.Pitch % 12, scale));
            Assert.All(piece.Notes, n => Assert.InRange(n.Pitch, 36, 86));
            // The bass of the final sonority is the tonic.
            var bass = piece.Notes.Where(n => n.Start < piece.EndTick && n.End == piece.EndTick).MinBy(n => n.Pitch)!;
            Assert.Equal(tonic, bass.Pitch % 12);
        }
    }

    [Fact]
    public void Synthetic_pieces_survive_event_tokenization_except_for_velocity_rounding()
    {
        var tokenizer = new EventTokenizer();
        foreach (var piece in SyntheticCorpus.Generate(30, 8))
        {
            var decoded = tokenizer.Decode(tokenizer.Encode(piece));
            Assert.Equal(piece.Notes.Select(n => (n.Pitch, n.Start, n.Duration, n.Track)), decoded.Notes.Select(n => (n.Pitch, n.Start, n.Duration, n.Track)));
            Assert.Equal(piece.TimeSignatures, decoded.TimeSignatures);
            Assert.Equal(piece.KeySignatures, decoded.KeySignatures);
        }
    }

    [Fact]
    public void SplitMix64_is_fixed_by_its_seed()
    {
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
    }
}
