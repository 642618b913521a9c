using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// A loaded model as scoring and evaluation need it: the critic with its calibration, the generator (for
/// evaluation; may be null for a critic-only model), the vocabulary, and the ids that every score names. Scoring
/// windows have the calibration's size unless options say otherwise (and then they must agree with it).
/// Owns the modules and disposes them.
/// </summary>
public sealed class ScoringModel : IDisposable
{
    public ScoringModel(string modelId, string checkpointId, TransformerCritic critic, TransformerGenerator? generator, Vocabulary vocabulary,
        ScoreCalibration calibration, CriticScorerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointId);
        Critic = critic ?? throw new ArgumentNullException(nameof(critic));
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        Calibration = calibration ?? throw new ArgumentNullException(nameof(calibration));
        if (calibration.ModelId != modelId || calibration.CheckpointId != checkpointId)
            throw new ArgumentException($"the calibration belongs to {calibration.ModelId}/{calibration.CheckpointId}, not to {modelId}/{checkpointId}", nameof(calibration));
        if (generator is not null && generator.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the generator has {generator.Config.VocabSize} token ids but vocabulary {vocabulary.Version} has {vocabulary.Count}", nameof(generator));
        ModelId = modelId;
        CheckpointId = checkpointId;
        Generator = generator;
        Options = options ?? CriticScorer.ForCalibration(calibration);
        Scorer = new CriticScorer(critic, vocabulary, calibration, Options);
    }

    public string ModelId { get; }

    public string CheckpointId { get; }

    public TransformerCritic Critic { get; }

    public TransformerGenerator? Generator { get; }

    public Vocabulary Vocabulary { get; }

    public ScoreCalibration Calibration { get; }

    public CriticScorerOptions Options { get; }

    public CriticScorer Scorer { get; }

    public void Dispose()
    {
        Critic.Dispose();
        Generator?.Dispose();
    }
}
