using MusicCluster.Music.Storage;

namespace MusicCluster.Music.Tests.Storage;

/// <summary>The blob store contract against a real Azurite started for this class.</summary>
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly string _container = $"test-{Guid.NewGuid():N}";

    protected override IBlobStore CreateStore() => new AzureBlobStore(azurite.Azurite.ConnectionString, _container);

    [SkippableFact]
    public void Description_names_account_and_container_but_never_the_key()
    {
        var store = (AzureBlobStore)CreateStore();
        Assert.Contains(_container, store.Description);
        Assert.DoesNotContain("AccountKey", store.Description);
        Assert.DoesNotContain("Eby8", store.Description);
    }
}
