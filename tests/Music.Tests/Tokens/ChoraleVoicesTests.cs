using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public class ChoraleVoicesTests
{
    [Fact]
    public void The_four_voices_have_the_jsb_ranges_inclusive_at_both_ends()
    {
        Assert.Equal([new VoiceRange(60, 81), new VoiceRange(52, 74), new VoiceRange(46, 69), new VoiceRange(36, 66)], ChoraleVoices.Ranges);
        VoiceRange bass = ChoraleVoices.RangeOf(3);
        Assert.True(bass.Contains(36) && bass.Contains(66));
        Assert.False(bass.Contains(35) || bass.Contains(67));
        Assert.Contains("Soprano, Alto, Tenor, Bass", Assert.Throws<ArgumentOutOfRangeException>(() => ChoraleVoices.RangeOf(4)).Message);
    }
}
