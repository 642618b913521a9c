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
        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.ReadVerifiedAsync("models/m/c.ckpt"));
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

    [Fact]
    public async Task A_truncated_blob_is_damaged_its_record_is_kept_and_only_a_new_write_repairs_it()
    {
        var store = new LocalFolderBlobStore(_root);
        BlobInfo written = await store.WriteTextAsync("pieces/t.mid", "a whole piece");
        string path = Path.Combine(_root, "pieces", "t.mid");
        string record = Path.Combine(_root, ".meta", "pieces", "t.mid.json");
        string recordBefore = File.ReadAllText(record);
        File.WriteAllText(path, "a whole");            // truncated, with a new write time

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.GetInfoAsync("pieces/t.mid"));
        Assert.Contains("pieces/t.mid", error.Message);
        Assert.Contains(written.Sha256, error.Message);
        await Assert.ThrowsAsync<BlobIntegrityException>(() => store.ReadVerifiedAsync("pieces/t.mid"));
        Assert.Equal(recordBefore, File.ReadAllText(record)); // never rewritten to match the damage
        // Still listed as it was written, so nothing looks deleted; reading it reports the damage.
        Assert.Equal(written.Sha256, Assert.Single(await store.ListAsync("pieces/").ToListAsync()).Sha256);

        await store.WriteTextAsync("pieces/t.mid", "a new piece");
        Assert.Equal("a new piece", Encoding.UTF8.GetString(await store.ReadVerifiedAsync("pieces/t.mid")));
    }

    [Fact]
    public async Task A_write_interrupted_between_its_record_and_its_rename_leaves_the_earlier_content_good()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("pieces/c.mid", "first version");
        string path = Path.Combine(_root, "pieces", "c.mid");
        byte[] first = File.ReadAllBytes(path);
        await store.WriteTextAsync("pieces/c.mid", "second, longer version");
        // The state a crash after the second write's record and before its rename leaves: the record describes the
        // second content, the file (with its own write time) still holds the first.
        File.WriteAllBytes(path, first);

        BlobInfo? info = await store.GetInfoAsync("pieces/c.mid");
        Assert.Equal(BlobStoreExtensions.Sha256Hex(first), info!.Sha256);
        Assert.Equal("first version", Encoding.UTF8.GetString(await store.ReadVerifiedAsync("pieces/c.mid")));
        // The recovered record no longer remembers the second content's predecessor: damage is damage again.
        File.WriteAllText(path, "first versio");
        await Assert.ThrowsAsync<BlobIntegrityException>(() => store.GetInfoAsync("pieces/c.mid"));
    }

    [Fact]
    public async Task A_record_in_the_earlier_format_still_verifies_its_blob()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("pieces/o.mid", "old");
        string path = Path.Combine(_root, "pieces", "o.mid");
        var info = new BlobInfo("pieces/o.mid", 3, BlobStoreExtensions.Sha256Hex("old"u8), File.GetLastWriteTimeUtc(path));
        File.WriteAllText(Path.Combine(_root, ".meta", "pieces", "o.mid.json"), System.Text.Json.JsonSerializer.Serialize(info));
        Assert.Equal(info.Sha256, (await store.GetInfoAsync("pieces/o.mid"))!.Sha256);
        File.WriteAllText(path, "new");
        await Assert.ThrowsAsync<BlobIntegrityException>(() => store.GetInfoAsync("pieces/o.mid"));
    }

    [SkippableFact]
    public async Task A_write_whose_integrity_record_cannot_be_written_leaves_no_temporary_file_and_the_blob_as_it_was()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs /proc, where no file can be created (even by root)");
        var store = new LocalFolderBlobStore(_root);
        await store.WriteTextAsync("pieces/r.mid", "kept");
        // The records of pieces/ lead into /proc: the record is written whole to the temporary folder, then cannot be
        // moved into place (rename across file systems, then a copy /proc refuses), as when the disk fills between the two.
        string records = Path.Combine(_root, ".meta", "pieces");
        Directory.Delete(records, recursive: true);
        Directory.CreateSymbolicLink(records, "/proc/self/fdinfo");

        await Assert.ThrowsAnyAsync<IOException>(() => store.WriteTextAsync("pieces/r.mid", "replacement"));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_root, ".tmp")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(_root, "pieces", "r.mid")));
    }

    [Fact]
    public async Task A_write_refused_for_lack_of_room_says_storage_is_full_and_leaves_the_earlier_content_and_no_temporary_file()
    {
        var store = new LocalFolderBlobStore(_root);
        BlobInfo before = await store.WriteTextAsync("pieces/f.mid", "earlier content");
        // ENOSPC as .NET reports it on Linux (an IOException whose HResult is the errno), raised part way through the
        // copy into the temporary file. A real full file system (EFBIG under a file size limit) is
        // FullDiskTests in Cluster.Tests, with the web app in a process under `ulimit -f`.
        var error = await Assert.ThrowsAsync<BlobStoreFullException>(() => store.WriteAsync("pieces/f.mid", new FailingStream(new IOException("No space left on device", 28))));
        Assert.Contains("pieces/f.mid", error.Message);
        Assert.Contains(store.Description, error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_root, ".tmp")));
        Assert.Equal("earlier content", Encoding.UTF8.GetString(await store.ReadVerifiedAsync("pieces/f.mid")));
        Assert.Equal(before, await store.GetInfoAsync("pieces/f.mid"));
        Assert.Equal(StorageState.Full, store.Health.Report().State);

        await store.WriteTextAsync("pieces/f.mid", "room again");
        Assert.Equal(StorageState.Reachable, store.Health.Report().State);
    }

    /// <summary>Gives some bytes, then throws what a file system out of room throws.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        private int _reads;
        public override int Read(byte[] buffer, int offset, int count) => ++_reads == 1 ? Fill(buffer.AsSpan(offset, count)) : throw failure;
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ++_reads == 1 ? ValueTask.FromResult(Fill(buffer.Span)) : ValueTask.FromException<int>(failure);
        private static int Fill(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, 1000);
            buffer[..n].Fill((byte)'x');
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
