using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Generation;

/// <summary>
/// Follows one generation session (see <see cref="LiveWatch"/>): hands on each <see cref="GenerationUpdate"/> after
/// <c>fromSequence</c> exactly once, in sequence order. An update that arrives past a gap first fetches the missing
/// ones (<see cref="IGenerationSessionGrain.GetUpdatesAsync"/>); one already handed on is skipped. Ends after the
/// session's last update.
/// </summary>
public sealed class GenerationWatch : LiveWatch, IGenerationObserver
{
    private readonly IGrainFactory grains;
    private readonly IGenerationSessionGrain session;
    private readonly Func<GenerationUpdate, Task> deliver;
    private IGenerationObserver? reference;

    private GenerationWatch(IGrainFactory grains, Guid sessionId, long fromSequence, Func<GenerationUpdate, Task> deliver, TimeProvider clock, ILogger logger)
        : base(clock, logger)
    {
        this.grains = grains;
        this.deliver = deliver;
        SessionId = sessionId;
        LastSequence = fromSequence;
        session = grains.GetGrain<IGenerationSessionGrain>(sessionId);
    }

    public Guid SessionId { get; }

    /// <summary>The sequence number of the last update handed on.</summary>
    public long LastSequence { get; private set; }

    /// <param name="fromSequence">Updates up to this number are known to the consumer already (0: hand on all).</param>
    /// <param name="deliver">Gets each update once, in order, one at a time.</param>
    /// <param name="renewal">How often to subscribe again: shorter than the silos' observer expiry.</param>
    public static async Task<GenerationWatch> StartAsync(IGrainFactory grains, Guid sessionId, long fromSequence, Func<GenerationUpdate, Task> deliver,
        TimeSpan renewal, TimeProvider? clock = null, ILogger? logger = null)
    {
        var watch = new GenerationWatch(grains, sessionId, fromSequence, deliver, clock ?? TimeProvider.System, logger ?? NullLogger.Instance);
        watch.reference = grains.CreateObjectReference<IGenerationObserver>(watch);
        await watch.StartAsync(renewal);
        return watch;
    }

    Task IGenerationObserver.OnUpdateAsync(GenerationUpdate update)
    {
        Enqueue(() => TakeAsync(update));
        return Task.CompletedTask;
    }

    protected override Task SubscribeAsync() => session.SubscribeAsync(reference!);

    protected override async Task UnsubscribeAsync()
    {
        await session.UnsubscribeAsync(reference!);
        grains.DeleteObjectReference<IGenerationObserver>(reference!);
    }

    protected override async Task CatchUpAsync()
    {
        bool missed = false;
        foreach (GenerationUpdate update in await session.GetUpdatesAsync(LastSequence))
        {
            missed |= update.Sequence == LastSequence + 1;
            await HandOnAsync(update);
        }
        if (missed) CatchUps++;
    }

    private async Task TakeAsync(GenerationUpdate update)
    {
        if (update.Sequence > LastSequence + 1) await CatchUpAsync();
        await HandOnAsync(update);
    }

    private async Task HandOnAsync(GenerationUpdate update)
    {
        if (update.Sequence != LastSequence + 1 || Completion.IsCompleted) return;
        await deliver(update);
        LastSequence = update.Sequence;
        if (update.Status is not (GenerationStatus.Running or GenerationStatus.Pending)) End();
    }

    public override string ToString() => $"generation {SessionId}";
}
