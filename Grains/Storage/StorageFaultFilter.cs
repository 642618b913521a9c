using MusicCluster.Grains.Interfaces.Storage;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Storage;

/// <summary>
/// Turns the blob store's "unreachable after retrying" and "no room" failures, thrown anywhere inside a grain call (a
/// piece's files, a checkpoint, grain state, where Orleans wraps them in its own exception), into one
/// <see cref="StorageUnavailableException"/> that Grains.Interfaces defines, so the caller (the web app, another grain)
/// sees what happened and the web app can answer 503 or 507 instead of 500.
/// </summary>
internal sealed class StorageFaultFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (Translate(e) is { } fault)
        {
            throw fault;
        }
    }

    internal static StorageUnavailableException? Translate(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e is AggregateException { InnerExceptions.Count: 1 } all ? all.InnerExceptions[0] : e.InnerException)
        {
            switch (e)
            {
                case StorageUnavailableException:
                    return null; // already translated by the grain this call reached
                case BlobStoreUnavailableException unreachable:
                    return new StorageUnavailableException(StorageFault.Unreachable, unreachable.Store, unreachable.BlobName, unreachable.Message);
                case BlobStoreFullException full:
                    return new StorageUnavailableException(StorageFault.Full, full.Store, full.BlobName, full.Message);
            }
        }
        return null;
    }
}
