using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Training;

/// <summary>
/// The settings a run on a dataset should start from where its tokens call for other values than the training form's
/// general defaults (a small, quick event-token run). A grid dataset (four voices per 16th step: 64 tokens a 4/4 bar)
/// gets a context of 256 tokens, four bars, as the JSB grid runs in docs/training.md use; with the form's 64 tokens a
/// grid model would never see more than one bar.
/// </summary>
public static class SuggestedTrainingSettings
{
    public const int GridContextLength = 256;

    public static TrainingSettings For(Vocabulary vocabulary) => vocabulary.Kind == JsbGridTokenizer.Kind
        ? new TrainingSettings { ContextLength = GridContextLength }
        : new TrainingSettings();
}
