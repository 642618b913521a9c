using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MusicCluster.Client.Tests;

/// <summary>
/// One Client with small limits, on Kestrel (a real server on a loopback port, not the in-memory test server), so that
/// request-body limits meet real sockets: a client that claims a length and sends less, a chunked body that never ends.
/// Shared by <see cref="RequestBodyLimitTests"/> and <see cref="PieceRenderLimitTests"/>.
/// </summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public const int RequestBytes = 8 << 10;
    public const int GenerationRequestBytes = 32 << 10;
    public const int ScoreUploadBytes = 64 << 10;
    public const int MaxWavSeconds = 30;

    /// <summary>10 ms: every render of this Client that is not refused earlier times out (a render of the pieces the tests
    /// give it takes far longer: the MusicXML of 1,000 bars about 3 s on the 2-core development machine).</summary>
    public const string RenderSeconds = "0.01";

    /// <summary>1 ms: every analysis of a piece the tests give it times out (parsing a file of 64,000 notes alone takes longer).</summary>
    public const string AnalysisSeconds = "0.001";

    public EmbeddedClientSettings Settings { get; } = EmbeddedClientSettings.CreateFresh();
    public ClientFactory Factory { get; }
    public HttpClient Http { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public IClusterClient Cluster { get; private set; } = null!;

    public LimitsFixture()
    {
        Factory = new ClientFactory(Settings, new Dictionary<string, string?>
        {
            ["MusicCluster:Limits:RequestBytes"] = RequestBytes.ToString(),
            ["MusicCluster:Limits:GenerationRequestBytes"] = GenerationRequestBytes.ToString(),
            ["MusicCluster:Limits:ScoreUploadBytes"] = ScoreUploadBytes.ToString(),
            ["MusicCluster:Limits:MaxWavSeconds"] = MaxWavSeconds.ToString(),
            ["MusicCluster:Limits:RenderSeconds"] = RenderSeconds,
            ["MusicCluster:Limits:AnalysisSeconds"] = AnalysisSeconds,
        });
        Factory.UseKestrel(FreePort.Next());
    }

    public Task InitializeAsync()
    {
        Factory.StartServer();
        string address = Factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri($"http://127.0.0.1:{new Uri(address.Replace("*", "localhost", StringComparison.Ordinal)).Port}");
        // A plain HttpClient over sockets, as any outside client.
        Http = new HttpClient { BaseAddress = Address };
        Cluster = Factory.Services.GetRequiredService<IClusterClient>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsFixture>
{
    public const string Name = "Client with small limits";
}
