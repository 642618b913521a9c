using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Inference;

/// <summary>One checkpoint in memory: the generator, its vocabulary and tokenizer, and (when calibrated) the critic's scorer. Owns the modules.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly IDisposable? owner;

    public LoadedModel(ModelRef reference, TransformerGenerator generator, Vocabulary vocabulary, CriticScorer? scorer, IDisposable? owner = null)
    {
        Ref = reference;
        Generator = generator;
        Vocabulary = vocabulary;
        Tokenizer = TokenizerFactory.FromVocabulary(vocabulary);
        Scorer = scorer;
        this.owner = owner;
        // Inference only: dropout off for good.
        generator.eval();
        scorer?.Windows.Critic.eval();
    }

    public ModelRef Ref { get; }

    public TransformerGenerator Generator { get; }

    public Vocabulary Vocabulary { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>Null when the checkpoint has no critic calibration: it generates but does not score.</summary>
    public CriticScorer? Scorer { get; }

    public void Dispose()
    {
        if (owner is not null) owner.Dispose();
        else Generator.Dispose();
    }
}
