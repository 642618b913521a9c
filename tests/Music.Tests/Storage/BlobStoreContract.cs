using System.Text;
using MusicCluster.Music.Storage;

namespace MusicCluster.Music.Tests.Storage;

/// <summary>The behaviour every <see cref="IBlobStore"/> must have; run against each backend by a subclass.</summary>
public abstract class BlobStoreContract
{
    protected abstract IBlobStore CreateStore();

    [SkippableFact]
    public async Task Write_then_read_returns_the_same_bytes_and_records_their_sha256()
    {
        IBlobStore store = CreateStore();
        byte[] content = Encoding.UTF8.GetBytes("checkpoint bytes \u266B");
        BlobInfo written = await store.WriteBytesAsync("models/m1/c1.ckpt", content);

        Assert.Equal(content, await store.ReadAllBytesAsync("models/m1/c1.ckpt"));
        Assert.Equal(BlobStoreExtensions.Sha256Hex(content), written.Sha256);
        BlobInfo? info = await store.GetInfoAsync("models/m1/c1.ckpt");
        Assert.NotNull(info);
        Assert.Equal(content.Length, info.Length);
        Assert.Equal(written.Sha256, info.Sha256);
    }

    [SkippableFact]
    public async Task Overwrite_replaces_content_and_hash()
    {
        IBlobStore store = CreateStore();
        await store.WriteTextAsync("runs/r1/log.jsonl", "first");
        BlobInfo second = await store.WriteTextAsync("runs/r1/log.jsonl", "second, longer");
        Assert.Equal("second, longer", await store.ReadAllTextAsync("runs/r1/log.jsonl"));
        Assert.Equal(BlobStoreExtensions.Sha256Hex(Encoding.UTF8.GetBytes("second, longer")), (await store.GetInfoAsync("runs/r1/log.jsonl"))!.Sha256);
        Assert.Equal(second.Sha256, (await store.GetInfoAsync("runs/r1/log.jsonl"))!.Sha256);
    }

    [SkippableFact]
    public async Task Missing_blob_reads_as_not_found_and_has_no_info()
    {
        IBlobStore store = CreateStore();
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync("pieces/missing.mid"));
        Assert.Contains("pieces/missing.mid", error.Message);
        Assert.Null(await store.GetInfoAsync("pieces/missing.mid"));
        Assert.False(await store.DeleteAsync("pieces/missing.mid"));
    }

    [SkippableFact]
    public async Task Delete_removes_the_blob()
    {
        IBlobStore store = CreateStore();
        await store.WriteTextAsync("pieces/p1.mid", "x");
        Assert.True(await store.DeleteAsync("pieces/p1.mid"));
        Assert.Null(await store.GetInfoAsync("pieces/p1.mid"));
    }

    [SkippableFact]
    public async Task List_returns_blobs_under_a_prefix_in_ordinal_order()
    {
        IBlobStore store = CreateStore();
        await store.WriteTextAsync("datasets/d1/shard-1.bin", "b");
        await store.WriteTextAsync("datasets/d1/manifest.json", "{}");
        await store.WriteTextAsync("datasets/d2/manifest.json", "{}");
        await store.WriteTextAsync("models/m/c.ckpt", "m");

        var names = new List<string>();
        await foreach (BlobInfo info in store.ListAsync("datasets/d1/")) names.Add(info.Name);
        Assert.Equal(["datasets/d1/manifest.json", "datasets/d1/shard-1.bin"], names);

        var all = new List<string>();
        await foreach (BlobInfo info in store.ListAsync()) all.Add(info.Name);
        Assert.Equal(["datasets/d1/manifest.json", "datasets/d1/shard-1.bin", "datasets/d2/manifest.json", "models/m/c.ckpt"], all);
    }

    [SkippableTheory]
    [InlineData("../escape")]
    [InlineData("models/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("models//double")]
    [InlineData("models/./here")]
    [InlineData("models\\windows")]
    [InlineData("")]
    [InlineData("models/.hidden")]
    [InlineData("C:/drive")]
    [InlineData("models/trailing/")]
    public async Task Invalid_names_are_refused_by_every_operation(string name)
    {
        IBlobStore store = CreateStore();
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.WriteTextAsync(name, "x"));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.OpenReadAsync(name));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.GetInfoAsync(name));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.DeleteAsync(name));
    }

    [SkippableFact]
    public async Task A_reader_never_sees_part_of_a_write()
    {
        IBlobStore store = CreateStore();
        const int size = 256 * 1024;
        byte[] a = Enumerable.Repeat((byte)'a', size).ToArray();
        byte[] b = Enumerable.Repeat((byte)'b', size).ToArray();
        await store.WriteBytesAsync("models/m/big.ckpt", a);

        using var stop = new CancellationTokenSource();
        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++) await store.WriteBytesAsync("models/m/big.ckpt", i % 2 == 0 ? b : a);
            stop.Cancel();
        });
        int reads = 0;
        while (!stop.IsCancellationRequested || reads == 0)
        {
            byte[] seen = await store.ReadAllBytesAsync("models/m/big.ckpt");
            Assert.Equal(size, seen.Length);
            Assert.True(seen.All(x => x == seen[0]), "a read mixed the content of two writes");
            reads++;
        }
        await writer;
    }

    [SkippableFact]
    public async Task Verified_read_detects_nothing_wrong_in_an_intact_blob()
    {
        IBlobStore store = CreateStore();
        await store.WriteTextAsync("pieces/ok.mid", "intact");
        Assert.Equal("intact", Encoding.UTF8.GetString(await store.ReadVerifiedAsync("pieces/ok.mid")));
    }
}
