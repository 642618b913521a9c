using System.Text;
using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Data;

public class JsbJsonReaderTests
{
    private const string File = "chorales.json";

    private static JsbCorpus Parse(string json) => JsbJsonReader.Parse(Encoding.UTF8.GetBytes(json), File);

    private static DatasetFormatException Fails(string json) => Assert.Throws<DatasetFormatException>(() => Parse(json));

    [Fact]
    public void A_valid_document_gives_grids_per_split()
    {
        var corpus = Parse("""{"valid": [], "train": [[[60, 55, 52, 48], [62, -1, 53, 47]], [[64,60,55,48]]], "test": [[[1,2,3,4]]]}""");
        Assert.Equal(2, corpus.Splits["train"].Count);
        Assert.Empty(corpus.Splits["valid"]);
        Assert.Equal(new ChoraleGrid([[60, 55, 52, 48], [62, -1, 53, 47]]), corpus.Splits["train"][0]);
        Assert.Equal(["train", "valid", "test"], corpus.Splits.Keys);
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"train":[],"valid":[],"test":[]}""")];
        Assert.Empty(JsbJsonReader.Parse(bytes, File).Splits["train"]);
    }

    [Fact]
    public void A_pitch_out_of_range_is_named_by_its_json_path_and_offset()
    {
        var steps = string.Join(",", Enumerable.Repeat("[60,55,52,48]", 17));
        string json = $$"""{"train": [[[1,1,1,1]],[[1,1,1,1]],[[1,1,1,1]],[{{steps}},[60,55,128,48]]], "valid": [], "test": []}""";
        var error = Fails(json);
        Assert.Equal("train[3][17][2]", error.Location);
        Assert.Equal(json.IndexOf("128", StringComparison.Ordinal), error.ByteOffset);
        Assert.Contains("pitch 128 is out of range", error.Message);
        Assert.Contains(File, error.Message);
        Assert.Contains("train[3][17][2]", error.Message);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { """{"train": [[[60,55,52]]], "valid": [], "test": []}""", "train[0][0]", "3 voices" },
        { """{"train": [[[60,55,52,48,40]]], "valid": [], "test": []}""", "train[0][0][4]", "more than 4 voices" },
        { """{"train": [[[60,55,"52",48]]], "valid": [], "test": []}""", "train[0][0][2]", "found a string" },
        { """{"train": [[[60,55,52.5,48]]], "valid": [], "test": []}""", "train[0][0][2]", "not an integer" },
        { """{"train": [[[60,55,-2,48]]], "valid": [], "test": []}""", "train[0][0][2]", "out of range" },
        { """{"train": [[]], "valid": [], "test": []}""", "train[0]", "no steps" },
        { """{"train": [[60,55,52,48]], "valid": [], "test": []}""", "train[0][0]", "expected a step" },
        { """{"train": {}, "valid": [], "test": []}""", "train", "expected a list of pieces" },
        { """{"train": [], "valid": []}""", "$", "missing key \"test\"" },
        { """{"train": [], "valid": [], "test": [], "extra": []}""", "$", "unexpected key \"extra\"" },
        { """{"train": [], "valid": [], "test": [], "train": []}""", "$", "appears twice" },
        { """[1, 2]""", "$", "expected an object" },
        { """{"train": [], "valid": [], "test": []} []""", "$", "after the top-level object" },
        { """{"train": [[[60,55,52,48]""", "train[0][1]", "ends inside" },
        { """{"train": [[[60,55,52,48]]], "valid": [], "test": [nul""", "test[0]", "invalid JSON" },
        { "", "$", "no JSON value" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_documents_fail_with_where_and_what(string json, string location, string problem)
    {
        var error = Fails(json);
        Assert.Equal(location, error.Location);
        Assert.Contains(problem, error.Message);
        Assert.NotNull(error.ByteOffset);
        Assert.InRange(error.ByteOffset!.Value, 0, Encoding.UTF8.GetByteCount(json));
    }

    [Fact]
    public void Mutated_documents_end_as_a_dataset_or_one_format_error()
    {
        var random = new Random(2024);
        string folder = RepositoryPaths.NewTempFolder("jsb-fuzz");
        int parsed = 0, failed = 0;
        for (int round = 0; round < 10_000; round++)
        {
            byte[] mutated = JsbFuzzing.Mutate(random, JsbFuzzing.ValidDocument(random));
            JsbCorpus corpus;
            try
            {
                corpus = JsbJsonReader.Parse(mutated, File);
            }
            catch (DatasetFormatException error)
            {
                failed++;
                Assert.StartsWith(File, error.Message);
                Assert.True(error.Location is not null || error.ByteOffset is not null, error.Message);
                if (error.ByteOffset is { } offset) Assert.InRange(offset, 0, mutated.Length);
                continue;
            }
            parsed++;
            // What parses must also import: the reader's checks are all the importer relies on.
            if (parsed % 50 == 1)
            {
                string path = Path.Combine(folder, $"doc{round}.json");
                System.IO.File.WriteAllBytes(path, mutated);
                var manifest = DatasetImporter.ImportJsb(path, Path.Combine(folder, $"out{round}"), new ImportOptions { Tokenizer = TokenizerChoice.Grid });
                Assert.Equal(corpus.Splits.Values.Sum(p => p.Sum(g => g.Steps)) * 4L, manifest.Splits.Sum(s => s.Tokens));
            }
        }
        Assert.True(parsed > 300 && failed > 3000, $"the mutations should both break and keep documents: {parsed} parsed, {failed} failed");
        Directory.Delete(folder, recursive: true);
    }
}
