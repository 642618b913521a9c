using System.Text.Json.Nodes;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;

namespace MusicCluster.Music.Tests.Storage;

public sealed class CheckpointStoreTests
{
    private readonly string _root = RepositoryPaths.NewTempFolder("checkpoints");

    private static CheckpointArchive Sample() => new(
        new JsonObject { ["step"] = 120, ["vocabulary"] = "event-v1", ["metrics"] = new JsonObject { ["validNll"] = 0.71 } },
        new Dictionary<string, byte[]> { ["generator"] = [1, 2, 3, 4, 5], ["optimizer"] = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray() });

    [Fact]
    public async Task Saved_checkpoint_loads_back_with_metadata_and_parts()
    {
        var store = new CheckpointStore(new LocalFolderBlobStore(_root));
        CheckpointRecord record = await store.SaveAsync("m1", "step-120", Sample());
        Assert.Equal("models/m1/step-120.ckpt", record.Blob);
        Assert.Equal(64, record.Sha256.Length);

        CheckpointArchive loaded = await store.LoadAsync("m1", "step-120");
        Assert.Equal(120, (int)loaded.Metadata["step"]!);
        Assert.Equal(Sample().Parts["optimizer"], loaded.Parts["optimizer"]);
        Assert.Equal(["step-120"], (await store.ListAsync("m1")).Select(r => r.CheckpointId));
    }

    [Fact]
    public async Task Listing_skips_other_json_beside_checkpoints_and_a_refused_write_writes_nothing()
    {
        var blobs = new LocalFolderBlobStore(_root);
        var store = new CheckpointStore(blobs);
        await store.SaveAsync("m1", "step-120", Sample());
        await blobs.WriteTextAsync("models/m1/step-120.calibration.json", "{\"modelId\":\"m1\",\"checkpointId\":\"step-120\"}");
        Assert.Equal(["step-120"], (await store.ListAsync("m1")).Select(r => r.CheckpointId));

        var guarded = new CheckpointStore(blobs, (_, id, _) => id == "step-200" ? throw new InvalidOperationException("fenced") : Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => guarded.SaveAsync("m1", "step-200", Sample()));
        Assert.Null(await blobs.GetInfoAsync("models/m1/step-200.ckpt"));
        Assert.Equal(["step-120"], (await store.ListAsync("m1")).Select(r => r.CheckpointId));
    }

    [Fact]
    public async Task A_truncated_blob_fails_naming_the_blob()
    {
        var blobs = new LocalFolderBlobStore(_root);
        var store = new CheckpointStore(blobs);
        await store.SaveAsync("m1", "c", Sample());
        byte[] bytes = await blobs.ReadAllBytesAsync("models/m1/c.ckpt");
        await blobs.WriteBytesAsync("models/m1/c.ckpt", bytes[..^10]);

        var error = await Assert.ThrowsAsync<CheckpointFormatException>(() => store.LoadAsync("m1", "c"));
        Assert.Contains("models/m1/c.ckpt", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public async Task A_corrupted_byte_fails_the_hash_check_naming_the_blob()
    {
        var blobs = new LocalFolderBlobStore(_root);
        var store = new CheckpointStore(blobs);
        await store.SaveAsync("m1", "c", Sample());
        byte[] bytes = await blobs.ReadAllBytesAsync("models/m1/c.ckpt");
        bytes[bytes.Length / 2] ^= 0x40;
        await blobs.WriteBytesAsync("models/m1/c.ckpt", bytes);

        var error = await Assert.ThrowsAsync<CheckpointFormatException>(() => store.LoadAsync("m1", "c"));
        Assert.Contains("models/m1/c.ckpt", error.Message);
        Assert.Contains("corrupted", error.Message);
    }

    [Fact]
    public async Task A_missing_checkpoint_is_a_clear_error()
    {
        var store = new CheckpointStore(new LocalFolderBlobStore(_root));
        var error = await Assert.ThrowsAsync<CheckpointFormatException>(() => store.LoadAsync("m1", "nope"));
        Assert.Contains("models/m1/nope.ckpt", error.Message);
    }

    [Fact]
    public void Every_truncation_and_many_mutations_of_the_bytes_parse_or_fail_with_a_typed_error_and_offset()
    {
        byte[] bytes = Sample().ToBytes();
        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<CheckpointFormatException>(() => CheckpointArchive.Parse(bytes.AsSpan(0, length), "t.ckpt"));
            Assert.InRange(error.ByteOffset, 0, length);
        }
        var random = new Random(11);
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = (byte[])bytes.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            try { CheckpointArchive.Parse(mutated, "t.ckpt"); }
            catch (CheckpointFormatException e) { Assert.InRange(e.ByteOffset, 0, mutated.Length); }
        }
    }
}
