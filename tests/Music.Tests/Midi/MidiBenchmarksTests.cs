using MusicCluster.Music.Midi;

namespace MusicCluster.Music.Tests.Midi;

public class MidiBenchmarksTests
{
    [Fact]
    public void ParseThroughputIsMeasuredOnATinyCorpus()
    {
        // Correctness only: the figure itself belongs to `musiccluster bench`.
        var result = MidiBenchmarks.MeasureParseThroughput(files: 2, notesPerFile: 20, seed: 3, minimumDuration: TimeSpan.Zero);
        Assert.True(result.MegabytesPerSecond > 0);
        Assert.Equal(2, result.Files);
        Assert.True(result.BytesPerPass > 2 * 20 * 6, $"{result.BytesPerPass} bytes for 40 notes"); // at least 6 bytes a note
        Assert.True(result.Passes >= 1);
    }
}
