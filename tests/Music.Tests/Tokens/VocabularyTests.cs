using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public class VocabularyTests
{
    [Fact]
    public void A_vocabulary_survives_json_and_rebuilds_its_tokenizer()
    {
        foreach (ITokenizer tokenizer in new ITokenizer[] { new EventTokenizer(), new EventTokenizer(EventTokenizerSettings.FortyEighths), new JsbGridTokenizer() })
        {
            var copy = Vocabulary.FromJson(tokenizer.Vocabulary.ToJson());
            Assert.Equal(tokenizer.Vocabulary.Version, copy.Version);
            Assert.Equal(tokenizer.Vocabulary.Tokens, copy.Tokens);
            Assert.True(TokenizerFactory.FromVocabulary(copy).Vocabulary.SameAs(tokenizer.Vocabulary));
        }
    }

    [Fact]
    public void Versions_differ_when_the_grid_or_the_kind_differs()
    {
        string[] versions = [new EventTokenizer().Vocabulary.Version, new EventTokenizer(EventTokenizerSettings.FortyEighths).Vocabulary.Version,
            new JsbGridTokenizer().Vocabulary.Version];
        Assert.Equal(3, versions.Distinct().Count());
        Assert.StartsWith("event-v1-", versions[0]);
        Assert.StartsWith("jsb-grid-v1-", versions[2]);
    }

    /// <summary>Checkpoints and datasets name these versions: a change to a vocabulary must be deliberate (bump the
    /// format version or accept the new hash here), never a side effect.</summary>
    [Fact]
    public void Vocabulary_versions_are_pinned()
    {
        Assert.Equal("event-v1-186d48879651", new EventTokenizer().Vocabulary.Version);
        Assert.Equal(634, new EventTokenizer().Vocabulary.Count);
        Assert.Equal("jsb-grid-v1-994914fce6c8", new JsbGridTokenizer().Vocabulary.Version);
        Assert.Equal(131, new JsbGridTokenizer().Vocabulary.Count);
    }

    [Fact]
    public void An_edited_vocabulary_is_refused()
    {
        string json = new JsbGridTokenizer().Vocabulary.ToJson().Replace("\"Pitch_60\"", "\"Pitch_sixty\"");
        var error = Assert.Throws<InvalidVocabularyException>(() => Vocabulary.FromJson(json));
        Assert.Contains("hashes to", error.Message);
        Assert.Throws<InvalidVocabularyException>(() => Vocabulary.FromJson("{\"kind\": 3"));
        Assert.Throws<InvalidVocabularyException>(() => Vocabulary.FromJson("{\"kind\":\"event\",\"formatVersion\":1,\"version\":\"x\",\"tokens\":[]}"));
    }

    [Fact]
    public void Unknown_tokens_and_ids_are_errors()
    {
        var vocabulary = new EventTokenizer().Vocabulary;
        Assert.Throws<UnknownTokenException>(() => vocabulary.TokenOf(vocabulary.Count));
        Assert.Throws<UnknownTokenException>(() => vocabulary.TokenOf(-1));
        Assert.Throws<UnknownTokenException>(() => vocabulary.IdOf("Pitch_128"));
        Assert.Equal("Pitch_60", vocabulary.TokenOf(vocabulary.IdOf("Pitch_60")));
    }

    [Fact]
    public void A_vocabulary_of_another_build_is_refused_by_the_factory()
    {
        var foreign = new Vocabulary("event", 1, new Dictionary<string, int> { ["stepsPerQuarter"] = 4, ["ticksPerQuarter"] = 480 }, ["<pad>", "Bar"]);
        Assert.Throws<InvalidVocabularyException>(() => TokenizerFactory.FromVocabulary(foreign));
        Assert.Throws<InvalidVocabularyException>(() => TokenizerFactory.FromVocabulary(new Vocabulary("remi", 1, new Dictionary<string, int>(), ["a"])));
    }
}
