using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// The registry is one grain per cluster: the tests share a silo and keep apart by model ids of their own; the two
/// that need a fresh registry (or restart it) start their own silo.
/// </summary>
public sealed class ModelRegistryGrainTests(DefaultSilo shared) : IClassFixture<DefaultSilo>
{
    private static readonly ModelRef Shipped = new("default", "default");

    private IModelRegistryGrain Registry => shared.Silo.Grains.GetGrain<IModelRegistryGrain>(0);

    private static CheckpointEntry Entry(string model, string checkpoint, long step, bool calibrated = true) =>
        new(new ModelRef(model, checkpoint), step, DateTimeOffset.UnixEpoch.AddDays(step), new Dictionary<string, double> { ["validNll"] = 1.0 / (step + 1) },
            "run-1", calibrated, "event-v1");

    [Fact]
    public async Task A_fresh_registry_lists_the_shipped_model_as_the_calibrated_default()
    {
        await using TestSilo silo = await TestSilo.StartAsync();
        IModelRegistryGrain registry = silo.Grains.GetGrain<IModelRegistryGrain>(0);
        ModelCatalog catalog = await registry.GetCatalogAsync();
        Assert.Equal(Shipped, catalog.Default);
        // Both shipped models are listed, the default (the chorale model) first, then the event model.
        Assert.Equal(["default", "events"], catalog.Models.Select(m => m.ModelId));
        CheckpointEntry shipped = Assert.Single(catalog.Models[0].Checkpoints);
        Assert.Equal(Shipped, shipped.Ref);
        CheckpointEntry events = Assert.Single(catalog.Models[1].Checkpoints);
        Assert.Equal(new ModelRef("events", "events"), events.Ref);
        Assert.True(events.Calibrated);
        Assert.Equal(events.Ref, await registry.ResolveAsync("events"));
        Assert.True(shipped.Calibrated);
        Assert.True(shipped.Step > 0, "the shipped model's step is read from its record");
        Assert.Equal(Shipped, await registry.ResolveAsync(null));
        Assert.Equal(Shipped, await registry.ResolveAsync("default"));
        Assert.Equal(Shipped, await registry.ResolveAsync("default/default"));
    }

    [Fact]
    public async Task A_shipped_models_id_cannot_be_taken_by_a_registered_checkpoint()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterCheckpointAsync(Entry("events", "step-1", 1)));
        Assert.Contains("modelId: 'events' is the id of a model that ships with the build", error.Message);
    }

    [Fact]
    public async Task A_model_name_resolves_to_its_newest_calibrated_checkpoint()
    {
        await Registry.RegisterCheckpointAsync(Entry("run-a", "step-1", 1));
        await Registry.RegisterCheckpointAsync(Entry("run-a", "step-3", 3));
        await Registry.RegisterCheckpointAsync(Entry("run-a", "step-5", 5, calibrated: false));

        Assert.Equal(new ModelRef("run-a", "step-3"), await Registry.ResolveAsync("run-a"));
        Assert.Equal(new ModelRef("run-a", "step-5"), await Registry.ResolveAsync("run-a/step-5"));
        ModelCatalog catalog = await Registry.GetCatalogAsync();
        Assert.Equal(["step-1", "step-3", "step-5"], catalog.Models.Single(m => m.ModelId == "run-a").Checkpoints.Select(c => c.Ref.CheckpointId));
        Assert.Equal(Shipped, catalog.Default);
    }

    [Fact]
    public async Task Unknown_names_are_refused_naming_them()
    {
        await Registry.RegisterCheckpointAsync(Entry("uncalibrated", "step-1", 1, calibrated: false));
        var unknownModel = await Assert.ThrowsAsync<KeyNotFoundException>(() => Registry.ResolveAsync("nope"));
        Assert.Contains("'nope'", unknownModel.Message);
        var unknownCheckpoint = await Assert.ThrowsAsync<KeyNotFoundException>(() => Registry.ResolveAsync("default/step-9"));
        Assert.Contains("default/step-9", unknownCheckpoint.Message);
        var noCalibration = await Assert.ThrowsAsync<KeyNotFoundException>(() => Registry.ResolveAsync("uncalibrated"));
        Assert.Contains("calibrated", noCalibration.Message);
    }

    [Fact]
    public async Task Promotion_changes_the_default_and_survives_a_silo_restart()
    {
        TestSilo silo = await TestSilo.StartAsync();
        IModelRegistryGrain Registry() => silo.Grains.GetGrain<IModelRegistryGrain>(0);
        await Registry().RegisterCheckpointAsync(Entry("run-b", "step-2", 2));
        ModelCatalog promoted = await Registry().PromoteAsync(new ModelRef("run-b", "step-2"));
        Assert.Equal(new ModelRef("run-b", "step-2"), promoted.Default);
        Assert.Equal(new ModelRef("run-b", "step-2"), await Registry().ResolveAsync(null));

        await silo.DisposeAsync();
        silo = await TestSilo.StartAsync(dataPath: silo.DataPath);
        ModelCatalog afterRestart = await Registry().GetCatalogAsync();
        Assert.Equal(new ModelRef("run-b", "step-2"), afterRestart.Default);
        Assert.Contains(afterRestart.Models, m => m.ModelId == "default");

        Assert.Equal(Shipped, (await Registry().PromoteAsync(Shipped)).Default);
        Assert.Equal(Shipped, await Registry().ResolveAsync("default"));
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task Promotion_of_an_unknown_or_uncalibrated_checkpoint_is_refused_and_keeps_the_default()
    {
        await Registry.RegisterCheckpointAsync(Entry("run-c", "step-1", 1, calibrated: false));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Registry.PromoteAsync(new ModelRef("run-c", "step-9")));
        var uncalibrated = await Assert.ThrowsAsync<InvalidOperationException>(() => Registry.PromoteAsync(new ModelRef("run-c", "step-1")));
        Assert.Contains("calibrat", uncalibrated.Message);
        Assert.Equal(Shipped, (await Registry.GetCatalogAsync()).Default);
    }

    [Fact]
    public async Task Re_registering_a_checkpoint_updates_it_and_bad_ids_are_refused_naming_the_field()
    {
        await Registry.RegisterCheckpointAsync(Entry("run-d", "step-1", 1, calibrated: false));
        await Registry.RegisterCheckpointAsync(Entry("run-d", "step-1", 1, calibrated: true));
        CheckpointEntry only = Assert.Single((await Registry.GetCatalogAsync()).Models.Single(m => m.ModelId == "run-d").Checkpoints);
        Assert.True(only.Calibrated);

        var path = await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterCheckpointAsync(Entry("../etc", "x", 1)));
        Assert.StartsWith("modelId:", path.Message);
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterCheckpointAsync(Entry("ok", "", 1)));
        Assert.StartsWith("checkpointId:", empty.Message);
        var reserved = await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterCheckpointAsync(Entry("default", "step-1", 1)));
        Assert.StartsWith("modelId:", reserved.Message);
    }
}
