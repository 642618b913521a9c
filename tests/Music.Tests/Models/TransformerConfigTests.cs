using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tests.Models;

public sealed class TransformerConfigTests
{
    private static readonly TransformerConfig Valid = TinyModels.Config(dropout: 0.1, tied: false) with { PadTokenId = 0 };

    [Fact]
    public void A_valid_config_has_no_errors_and_survives_a_json_round_trip()
    {
        Assert.Empty(Valid.Validate());
        string json = Valid.ToJson();
        Assert.Contains("\"modelWidth\": 16", json);
        Assert.DoesNotContain("headWidth", json);
        Assert.Equal(Valid, TransformerConfig.FromJson(json));
    }

    [Theory]
    [InlineData("modelWidth", 18, 4, "not divisible by heads")]
    [InlineData("heads", 12, 4, "odd")]
    public void Width_and_heads_that_do_not_fit_name_the_field(string field, int width, int heads, string message)
    {
        var error = Assert.Single((Valid with { ModelWidth = width, Heads = heads }).Validate());
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_non_positive_size_is_named()
    {
        var config = new TransformerConfig { VocabSize = 0, ContextLength = 0, Layers = -1, Heads = 0, ModelWidth = 0, FeedForwardWidth = 0 };
        var fields = config.Validate().Select(e => e.Field).ToHashSet();
        Assert.Equal(new HashSet<string> { "vocabSize", "contextLength", "layers", "heads", "modelWidth", "feedForwardWidth" }, fields);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Dropout_outside_zero_to_one_is_refused(double dropout)
    {
        var error = Assert.Single((Valid with { Dropout = dropout }).Validate());
        Assert.Equal("dropout", error.Field);
    }

    [Fact]
    public void Out_of_range_pad_token_and_huge_sizes_are_refused_with_the_prefix()
    {
        var config = Valid with { PadTokenId = 12, ContextLength = TransformerConfig.MaxContextLength + 1 };
        var errors = config.Validate("model.");
        Assert.Equal(["model.contextLength", "model.padTokenId"], errors.Select(e => e.Field).Order().ToArray());
        var thrown = Assert.Throws<InvalidConfigException>(() => config.EnsureValid("model."));
        Assert.Contains("model.padTokenId", thrown.Message);
        Assert.Equal(2, thrown.Errors.Count);
    }

    [Fact]
    public void Models_refuse_an_invalid_config()
    {
        var thrown = Assert.Throws<InvalidConfigException>(() => new TransformerGenerator(Valid with { Heads = 3 }));
        Assert.Contains("modelWidth", thrown.Message);
        Assert.Throws<InvalidConfigException>(() => new TransformerCritic(Valid with { Layers = 0 }));
    }

    [Theory]
    [InlineData("{", "$")]
    [InlineData("""{"vocabSize": 12, "contextLength": 8, "layers": 1, "heads": 2, "modelWidth": 8}""", "$")]
    [InlineData("""{"vocabSize": 12, "contextLength": 8, "layers": 1, "heads": 2, "modelWidth": 8, "feedForwardWidth": 8, "colour": 1}""", "colour")]
    [InlineData("""{"vocabSize": "twelve", "contextLength": 8, "layers": 1, "heads": 2, "modelWidth": 8, "feedForwardWidth": 8}""", "vocabSize")]
    [InlineData("""{"vocabSize": 12, "contextLength": 8, "layers": 1, "heads": 3, "modelWidth": 8, "feedForwardWidth": 8}""", "modelWidth")]
    public void Bad_json_is_one_typed_error_that_says_where(string json, string where)
    {
        var thrown = Assert.Throws<InvalidConfigException>(() => TransformerConfig.FromJson(json));
        Assert.Contains(thrown.Errors, e => e.Field.Contains(where, StringComparison.Ordinal) || e.Message.Contains(where, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var thrown = Assert.Throws<InvalidConfigException>(() => TransformerConfig.FromJson("""{"vocabSize": 12, "contextLength": 8, "layers": 1, "heads": 2, "modelWidth": 8}"""));
        Assert.Contains("feedForwardWidth", thrown.Message);
    }
}
