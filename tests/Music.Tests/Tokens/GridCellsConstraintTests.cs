using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public sealed class GridCellsConstraintTests
{
    private static bool[] AllowedAlto(ChoraleRules? rules = null)
    {
        // Step 0 kept: S 72, A 67, T 60, B 48. Step 1: S 74, T 62 and B 50 kept, the alto rewritten.
        int?[] cells = [72, 67, 60, 48, 74, null, 62, 50];
        var layout = new JsbGridTokenizer();
        var constraint = new GridCellsConstraint(layout, cells, untilStep: 2, rules);
        int[] written = [JsbGridTokenizer.BeginId, .. new[] { 72, 67, 60, 48, 74 }.Select(JsbGridTokenizer.IdOfCell)];
        var allowed = new bool[layout.Vocabulary.Count];
        constraint.FillAllowed(written, allowed);
        return allowed;
    }

    private static bool Alto(bool[] allowed, int pitch) => allowed[JsbGridTokenizer.IdOfCell(pitch)];

    [Fact]
    public void A_rewritten_voice_neither_crosses_nor_moves_in_parallels_with_the_kept_voices_below_it()
    {
        var allowed = AllowedAlto();
        // 69 would move in parallel fifths with the kept tenor (67 over 60, then 69 over 62) and bass (compound fifths).
        Assert.False(Alto(allowed, 69));
        // Below the kept tenor's 62 the alto would cross it.
        Assert.All(Enumerable.Range(55, 7), pitch => Assert.False(Alto(allowed, pitch), $"alto {pitch} under the tenor's 62"));
        Assert.True(Alto(allowed, 65));
        Assert.True(Alto(allowed, 62));

        // The rules alone (which look only at the cells before the alto: the soprano) allow both.
        var above = new bool[allowed.Length];
        ChoraleRules.Default.FillAllowed(new[] { 72, 67, 60, 48, 74 }.Select(JsbGridTokenizer.IdOfCell).ToArray(), above);
        Assert.True(Alto(above, 69));
        Assert.True(Alto(above, 58));
    }

    [Fact]
    public void Without_voice_leading_rules_the_kept_voices_constrain_nothing_but_the_range()
    {
        var allowed = AllowedAlto(ChoraleRules.Default with { VoiceLeading = false });
        Assert.True(Alto(allowed, 69));
        Assert.True(Alto(allowed, 58));
    }
}
