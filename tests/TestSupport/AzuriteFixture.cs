using Xunit;

namespace MusicCluster.TestSupport;

/// <summary>One Azurite per test class (IClassFixture). Start failures surface in the tests that use it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private Exception? _startFailure;

    public Azurite Azurite => _azurite ?? throw (_startFailure is SkipException skip
        ? (Exception)new SkipException(skip.Message)
        : new InvalidOperationException("Azurite did not start", _startFailure));

    public async Task InitializeAsync()
    {
        try { _azurite = await Azurite.StartAsync(); }
        catch (Exception e) { _startFailure = e; }
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
