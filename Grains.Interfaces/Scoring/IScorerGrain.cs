namespace MusicCluster.Grains.Interfaces.Scoring;

/// <summary>
/// Scores pieces with the local silo's inference engine, which batches concurrent requests into one critic pass.
/// Stateless worker: one per silo and request load, always local to its caller.
/// </summary>
public interface IScorerGrain : IGrainWithIntegerKey
{
    /// <summary>Throws ArgumentException naming the byte offset when the MIDI does not parse.</summary>
    Task<ScoreResult> ScoreAsync(ScoreRequest request);
}
