using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Data;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>A JSB grid dataset imported into the blob store's datasets/ folder, as the README tells a user to, is offered to runs.</summary>
public sealed class GridTrainingDatasetTests
{
    [Fact]
    public async Task An_imported_jsb_grid_dataset_is_listed_with_its_tokenizer_and_sizes_and_gets_a_grid_run_config()
    {
        string data = RepositoryPaths.NewTempFolder("grid-datasets");
        string json = TinyJsbChorales.Write(RepositoryPaths.NewTempFolder("jsb-json"));
        // What `musiccluster dataset import <json> --format jsb --tokenizer grid --augment --out <data>/datasets/jsb-grid` writes.
        DatasetImporter.ImportJsb(json, Path.Combine(data, "datasets", "jsb-grid"), new ImportOptions { Tokenizer = TokenizerChoice.Grid, Augment = true, Parallelism = 1 });
        var datasets = new TrainingDatasets(new LocalFolderBlobStore(data));

        var listed = await datasets.ListAsync();

        Assert.Equal([TrainingDatasets.SyntheticDemoId, "jsb-grid"], listed.Select(d => d.Id));
        Assert.Equal("event", listed[0].Tokenizer);
        Assert.Null(listed[0].SuggestedSettings.ContextLength);
        TrainingDatasetInfo grid = listed[1];
        Assert.Equal((JsbGridTokenizer.Kind, 131), (grid.Tokenizer, grid.VocabularySize));
        int cellsPerPiece = TinyJsbChorales.StepsPerPiece * ChoraleGrid.Voices;
        // Train: each piece and its 11 transpositions (-5..+6 semitones); valid and test as they are.
        Assert.Equal(new TrainingDatasetSplit("train", TinyJsbChorales.TrainPieces, TinyJsbChorales.TrainPieces * 12, TinyJsbChorales.TrainPieces * 12L * cellsPerPiece),
            grid.Split("train"));
        Assert.Equal(new TrainingDatasetSplit("valid", 1, 1, cellsPerPiece), grid.Split("valid"));
        Assert.Equal(new TrainingDatasetSplit("test", 1, 1, cellsPerPiece), grid.Split("test"));
        Assert.Equal(SuggestedTrainingSettings.GridContextLength, grid.SuggestedSettings.ContextLength);

        Vocabulary vocabulary = await datasets.VocabularyOfAsync("jsb-grid");
        // A run asked for with no settings (the API's defaults), and one with the form's small model and the grid's suggested context.
        var (byDefault, defaultErrors) = RunConfigBuilder.Build(new TrainingRunRequest { Dataset = "jsb-grid" }, vocabulary);
        Assert.Empty(defaultErrors);
        Assert.Equal((131, 256), (byDefault!.Model.VocabSize, byDefault.Model.ContextLength));
        var settings = grid.SuggestedSettings with { Layers = 2, Heads = 2, ModelWidth = 64, MleSteps = 200 };
        var (fromForm, formErrors) = RunConfigBuilder.Build(new TrainingRunRequest { Dataset = "jsb-grid", Settings = settings }, vocabulary);
        Assert.Empty(formErrors);
        Assert.Equal((131, 256, 64, JsbGridTokenizer.PadId), (fromForm!.Model.VocabSize, fromForm.Model.ContextLength, fromForm.Model.ModelWidth, fromForm.Model.PadTokenId));
    }
}
