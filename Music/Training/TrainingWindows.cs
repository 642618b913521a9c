using MusicCluster.Music.Data;

namespace MusicCluster.Music.Training;

/// <summary>
/// Random training windows of a fixed length from the train split, its sequences concatenated into one stream
/// (each begins with its start token, so a window that crosses a boundary shows the model a new piece starting).
/// The draws of step s come from a generator seeded by (seed, s) alone: the state of the sampler is the step
/// number, so a resumed run draws exactly the windows the uninterrupted run would have drawn.
/// </summary>
public sealed class TrainingWindows
{
    private readonly int[] stream;

    public TrainingWindows(IEnumerable<int[]> sequences, int windowLength, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 2);
        stream = sequences.SelectMany(s => s).ToArray();
        if (stream.Length < windowLength)
            throw new ArgumentException($"the train split has {stream.Length} tokens, fewer than one window of {windowLength} (context length + 1): use a smaller contextLength or more data");
        WindowLength = windowLength;
        Seed = seed;
    }

    public int WindowLength { get; }
    public long Seed { get; }
    public long TokenCount => stream.Length;

    /// <summary>Token ids [count x WindowLength] (row-major) for draw <paramref name="draw"/> of step <paramref name="step"/>.</summary>
    public long[] Draw(long step, int draw, int count)
    {
        var random = SplitMix64.ForItem(Seed ^ (step * 0x5851F42D4C957F2DL), draw);
        var windows = new long[count * WindowLength];
        int starts = stream.Length - WindowLength + 1;
        for (int row = 0; row < count; row++)
        {
            int start = random.Next(0, starts);
            for (int t = 0; t < WindowLength; t++) windows[row * WindowLength + t] = stream[start + t];
        }
        return windows;
    }
}
