using System.Text;
using MusicCluster.Music.Storage;

namespace MusicCluster.Music.Tests.Storage;

public sealed class LocalFolderBlobStoreTests : BlobStoreContract
{
    private readonly string _root = RepositoryPaths.NewTempFolder("blobs");

    protected override IBlobStore CreateStore() => new LocalFolderBlobStore(_root);

    [Fact]
    public async Task Blobs_are_plain_files_under_the_root_and_nothing_is_written_outside_it()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("pieces/p.mid", "midi");
        Assert.Equal("midi", File.ReadAllText(Path.Combine(_root, "pieces", "p.mid")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".tmp")));
    }

    [Fact]
    public async Task Verified_read_reports_a_file_changed_behind_the_stores_back_naming_the_blob()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("models/m/c.ckpt", "original");
        string path = Path.Combine(_root, "models", "m", "c.ckpt");
        DateTime written = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "corrupte");          // same length
        File.SetLastWriteTimeUtc(path, written);       // and same time: only the hash can tell
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadVerifiedAsync("models/m/c.ckpt"));
        Assert.Contains("models/m/c.ckpt", error.Message);
    }

    [Fact]
    public async Task A_missing_hash_record_is_recomputed_from_the_file()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("pieces/x.mid", "content");
        File.Delete(Path.Combine(_root, ".meta", "pieces", "x.mid.json"));
        BlobInfo? info = await store.GetInfoAsync("pieces/x.mid");
        Assert.Equal(BlobStoreExtensions.Sha256Hex(Encoding.UTF8.GetBytes("content")), info!.Sha256);
    }
}
