using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

public sealed class RunConfigTests
{
    private static readonly Vocabulary Grid = new JsbGridTokenizer().Vocabulary;

    [Fact]
    public void The_default_config_for_a_vocabulary_is_valid_and_survives_json()
    {
        var config = RunConfig.DefaultFor(Grid);
        Assert.Empty(config.Validate(Grid));
        var again = RunConfig.FromJson(config.ToJson());
        Assert.Equal(config.ToJson(), again.ToJson());
        Assert.Equal(Grid.Count, again.Model.VocabSize);
    }

    [Fact]
    public void Every_wrong_field_is_named()
    {
        var good = RunConfig.DefaultFor(Grid);
        var bad = good with
        {
            Model = good.Model with { ModelWidth = 130, Heads = 4 },
            Critic = good.Critic with { Heads = 3, ModelWidth = 64 },
            BatchSize = 0,
            LearningRate = -1,
            WarmupSteps = -2,
            CriticSteps = 0,
            GumbelTemperatureEnd = 0,
            AdversarialBeta2 = 1.5,
        };
        var fields = bad.Validate(Grid).Select(e => e.Field).ToList();
        Assert.Contains("model.modelWidth", fields);
        Assert.Contains("critic.modelWidth", fields);
        Assert.Contains("batchSize", fields);
        Assert.Contains("learningRate", fields);
        Assert.Contains("warmupSteps", fields);
        Assert.Contains("criticSteps", fields);
        Assert.Contains("gumbelTemperatureEnd", fields);
        Assert.Contains("adversarialBeta2", fields);
        Assert.DoesNotContain("model.vocabSize", fields);
        var message = Assert.Throws<InvalidConfigException>(() => bad.EnsureValid(Grid)).Message;
        Assert.Contains("model.modelWidth: 130 is not divisible by heads (4)", message);
    }

    [Fact]
    public void A_vocabulary_size_that_differs_from_the_dataset_names_the_field_and_both_sizes()
    {
        var config = RunConfig.DefaultFor(Grid) with { Model = RunConfig.DefaultFor(Grid).Model with { VocabSize = 634 } };
        var error = Assert.Single(config.Validate(Grid));
        Assert.Equal("model.vocabSize", error.Field);
        Assert.Contains("634", error.Message);
        Assert.Contains($"{Grid.Count} tokens", error.Message);
        Assert.Contains(Grid.Version, error.Message);
    }

    [Fact]
    public void Unknown_fields_and_malformed_json_are_refused_with_their_path()
    {
        string json = RunConfig.DefaultFor(Grid).ToJson().Replace("\"batchSize\"", "\"batchSise\"");
        var unknown = Assert.Throws<InvalidConfigException>(() => RunConfig.FromJson(json));
        Assert.Contains("batchSise", unknown.Message);

        var typo = Assert.Throws<InvalidConfigException>(() => RunConfig.FromJson(
            """{"model": {"vocabSize": 131, "contextLength": 64, "layers": 2, "heads": 2, "modelWidth": 32, "feedForwardWidth": "many"}}"""));
        Assert.Equal("$.model.feedForwardWidth", Assert.Single(typo.Errors).Field);

        var missing = Assert.Throws<InvalidConfigException>(() => RunConfig.FromJson("""{"seed": 3}"""));
        Assert.Contains("model", missing.Message);
    }
}
