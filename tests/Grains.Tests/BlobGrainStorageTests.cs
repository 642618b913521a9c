using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Installation;
using MusicCluster.Grains.Storage;
using MusicCluster.Music.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace MusicCluster.Grains.Tests;

public sealed class BlobGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("installation", "0");
    private readonly string _root = RepositoryPaths.NewTempFolder("grain-state");
    private readonly IGrainStorageSerializer _serializer =
        new OrleansGrainStorageSerializer(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    private BlobGrainStorage NewStorage() => new("test", new LocalFolderBlobStore(_root), _serializer);

    private sealed class TestGrainState<T> : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull] public T State { get; set; } = default!;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    [Fact]
    public async Task Absent_state_reads_as_a_new_default_record()
    {
        var state = new TestGrainState<InstallationState>();
        await NewStorage().ReadStateAsync("installation", Grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(new InstallationState(), state.State);
    }

    [Fact]
    public async Task Written_state_is_read_back_by_a_new_storage_over_the_same_folder()
    {
        var written = new TestGrainState<InstallationState> { State = new InstallationState { InstallationId = Guid.NewGuid(), StartCount = 3, LastHostName = "h" } };
        await NewStorage().WriteStateAsync("installation", Grain, written);
        Assert.NotNull(written.ETag);

        var read = new TestGrainState<InstallationState>();
        await NewStorage().ReadStateAsync("installation", Grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.State, read.State);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_keeps_the_newer_state()
    {
        BlobGrainStorage storage = NewStorage();
        var first = new TestGrainState<InstallationState> { State = new InstallationState { StartCount = 1 } };
        await storage.WriteStateAsync("installation", Grain, first);
        var stale = new TestGrainState<InstallationState> { State = first.State, ETag = first.ETag };
        first.State = first.State with { StartCount = 2 };
        await storage.WriteStateAsync("installation", Grain, first);

        stale.State = stale.State with { StartCount = 99 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("installation", Grain, stale));

        var read = new TestGrainState<InstallationState>();
        await storage.ReadStateAsync("installation", Grain, read);
        Assert.Equal(2, read.State.StartCount);
    }

    [Fact]
    public async Task Clear_removes_the_record()
    {
        BlobGrainStorage storage = NewStorage();
        var state = new TestGrainState<InstallationState> { State = new InstallationState { StartCount = 1 } };
        await storage.WriteStateAsync("installation", Grain, state);
        await storage.ClearStateAsync("installation", Grain, state);
        Assert.False(state.RecordExists);

        var read = new TestGrainState<InstallationState>();
        await storage.ReadStateAsync("installation", Grain, read);
        Assert.False(read.RecordExists);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("naïve key with spaces")]
    public void Any_grain_key_maps_to_a_valid_blob_name(string key)
    {
        string name = BlobGrainStorage.BlobNameOf("state", GrainId.Create("piece", key));
        Assert.Equal(name, BlobName.Validate(name));
        Assert.StartsWith("grains/state/piece/", name);
        Assert.Equal(4, name.Split('/').Length);
    }

    [Fact]
    public void Different_keys_map_to_different_blobs()
    {
        string a = BlobGrainStorage.BlobNameOf("state", GrainId.Create("piece", "a/b"));
        string b = BlobGrainStorage.BlobNameOf("state", GrainId.Create("piece", "a%2Fb"));
        Assert.NotEqual(a, b);
    }
}
