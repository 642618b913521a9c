namespace MusicCluster.Music.Storage.Checkpoints;

/// <summary>A checkpoint that cannot be used: truncated, corrupted, or made for another vocabulary or architecture.</summary>
public sealed class CheckpointFormatException(string source, long byteOffset, string problem)
    : Exception($"Checkpoint '{source}' is unusable at byte {byteOffset}: {problem}")
{
    public string CheckpointName => source;
    public long ByteOffset => byteOffset;
    public string Problem => problem;
}
