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
    // Where each sequence begins in the stream, ascending.
    private readonly int[] sequenceStarts;

    public TrainingWindows(IEnumerable<int[]> sequences, int windowLength, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 2);
        var all = sequences.ToList();
        stream = all.SelectMany(s => s).ToArray();
        sequenceStarts = new int[all.Count];
        for (int i = 1; i < all.Count; i++) sequenceStarts[i] = sequenceStarts[i - 1] + all[i - 1].Length;
        if (stream.Length < windowLength)
            throw new ArgumentException($"the train split has {stream.Length} tokens, fewer than one window of " +
                $"{windowLength} (context length + 1): use a smaller contextLength or more data");
        WindowLength = windowLength;
        Seed = seed;
    }

    public int WindowLength { get; }
    public long Seed { get; }
    public long TokenCount => stream.Length;

    /// <summary>Token ids [count x WindowLength] (row-major) for draw <paramref name="draw"/> of step <paramref name="step"/>.</summary>
    public long[] Draw(long step, int draw, int count) => Tokens(Starts(step, draw, count));

    /// <summary>Where in the stream the windows of draw <paramref name="draw"/> of step <paramref name="step"/> start.</summary>
    public int[] Starts(long step, int draw, int count)
    {
        var random = SplitMix64.ForItem(Seed ^ (step * 0x5851F42D4C957F2DL), draw);
        int possible = stream.Length - WindowLength + 1;
        var starts = new int[count];
        for (int row = 0; row < count; row++) starts[row] = random.Next(0, possible);
        return starts;
    }

    /// <summary>Token ids [starts x WindowLength] (row-major) of windows starting at <paramref name="starts"/>.</summary>
    public long[] Tokens(int[] starts)
    {
        var windows = new long[starts.Length * WindowLength];
        for (int row = 0; row < starts.Length; row++)
            for (int t = 0; t < WindowLength; t++) windows[row * WindowLength + t] = stream[starts[row] + t];
        return windows;
    }

    /// <summary>Which sequence the stream's token <paramref name="index"/> belongs to, and its position there.</summary>
    public (int Sequence, int Position) Locate(int index)
    {
        int found = Array.BinarySearch(sequenceStarts, index);
        int sequence = found >= 0 ? found : ~found - 1;
        // Empty sequences share a start with the next one: the token is the last sequence's beginning there.
        while (sequence + 1 < sequenceStarts.Length && sequenceStarts[sequence + 1] == index) sequence++;
        return (sequence, index - sequenceStarts[sequence]);
    }
}
