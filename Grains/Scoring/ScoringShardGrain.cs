using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;
using Orleans.Placement;

namespace MusicCluster.Grains.Scoring;

[RandomPlacement]
public sealed class ScoringShardGrain(ILogger<ScoringShardGrain> logger) : Grain, IScoringShardGrain
{
    public async Task<ShardResult> ScoreAsync(IReadOnlyList<string> pieceIds, string model)
    {
        var scorer = GrainFactory.GetGrain<IScorerGrain>(0);
        int done = 0, failed = 0;
        // All at once: the silo's engine scores them in one critic batch.
        await Task.WhenAll(pieceIds.Select(async id =>
        {
            try
            {
                var piece = GrainFactory.GetGrain<IPieceGrain>(id);
                ScoreResult result = await scorer.ScoreAsync(new ScoreRequest(await piece.GetFileAsync(PieceFormat.Midi), model, Background: true));
                await piece.SetScoreAsync(result.Score);
                Interlocked.Increment(ref done);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Scoring piece {Piece} failed", id);
                Interlocked.Increment(ref failed);
            }
        }));
        DeactivateOnIdle();
        return new ShardResult(done, failed, RuntimeIdentity);
    }
}
