using MusicCluster.Grains.Cluster;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace MusicCluster.Grains.Training;

/// <summary>
/// Places the workers of a data-parallel run: one <see cref="ITrainingShardGrain"/> per other silo that trains
/// (MaxRunsPerSilo above 0), accelerator silos first, then the silos with the most training slots, never two on a
/// silo and never on the run's own (the run's trainer is worker 0). With fewer such silos than workers the run has
/// fewer workers and the others take the missing shards, so the batch stays whole. Worker shards do not take a run's
/// training slot: they are part of their run's.
/// </summary>
public sealed class DataParallelPlacement(
    IGrainFactory grains, IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails silo, TimeProvider clock)
{
    /// <summary>Up to <paramref name="count"/> silos for workers, best first.</summary>
    public IReadOnlyList<SiloAddress> ChooseSilos(int count) =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => (Silo: m.SiloAddress, Slots: metadata.ReadInt(m.SiloAddress, TrainingSlots.MetadataKey, TrainingSlots.Default),
                Accelerators: metadata.ReadInt(m.SiloAddress, SiloMetadataKeys.Accelerators, 0)))
            .Where(c => c.Slots > 0)
            .OrderByDescending(c => c.Accelerators > 0)
            .ThenByDescending(c => c.Slots)
            .ThenBy(c => c.Silo.ToParsableString(), StringComparer.Ordinal)
            .Take(Math.Max(0, count))
            .Select(c => c.Silo)
            .ToList();

    /// <summary>
    /// Starts the run's other workers for <paramref name="leader"/>'s state (the checkpoint it resumed from, or the
    /// seed) and returns the group it leads. Blocking: called on the run's training thread. A worker that fails to
    /// start is left out, said in <paramref name="log"/>. With onWorkerLost = wait the group can ask for new workers
    /// later: each starts from the leader's state of that step, written through <paramref name="joinStore"/> (fenced by
    /// the run's epoch) as <c>models/{runId}-join/step-N</c>, beside the run's checkpoints and not among them.
    /// </summary>
    public DataParallelGroup CreateGroup(Trainer leader, TrainingJob job, long epoch, Action<string> log, CheckpointStore joinStore)
    {
        var workers = new List<IDataParallelWorker>();
        var assignment = new TrainingShardAssignment(job.RunId, epoch, leader.Config.ToJson(), job.Dataset,
            job.ResumeFrom?.ModelId, job.ResumeFrom?.CheckpointId, leader.Step, leader.LearningRate);
        var silos = ChooseSilos(leader.Config.Workers - 1);
        for (int i = 0; i < silos.Count; i++)
        {
            try
            {
                workers.Add(Start(job.RunId, i + 1, silos[i], assignment));
            }
            catch (Exception e)
            {
                log($"worker {i + 1} could not start on silo {silos[i]}: {e.GetBaseException().Message}");
            }
        }
        DataParallelGroup? group = null;
        int next = silos.Count + 1;
        var refused = new PassedOverSilos(clock);
        IDataParallelWorker? Recruit(Trainer trainer, long step)
        {
            var taken = group!.Workers.Select(w => w.Location).ToHashSet(StringComparer.Ordinal);
            if (ChooseSilos(int.MaxValue).FirstOrDefault(s => !taken.Contains(s.ToParsableString()) && !refused.Contains(s.ToParsableString())) is not { } silo)
                return null;
            string modelId = $"{job.RunId}-join", checkpointId = Trainer.CheckpointIdOf(step);
            joinStore.SaveAsync(modelId, checkpointId, trainer.CreateCheckpoint()).GetAwaiter().GetResult();
            var state = new TrainingShardAssignment(job.RunId, epoch, trainer.Config.ToJson(), job.Dataset, modelId, checkpointId, step, trainer.LearningRate);
            try
            {
                return Start(job.RunId, next++, silo, state);
            }
            catch (WorkerPlacementException)
            {
                refused.Refused(silo.ToParsableString());
                throw; // the group logs it and asks again a second later
            }
        }
        group = new DataParallelGroup(leader, workers, "worker 0", Recruit);
        log($"{workers.Count + 1} worker(s) for {leader.Config.Workers} shard(s), {leader.Config.ParallelMode.ToString().ToLowerInvariant()} mode: "
            + string.Join("; ", group.Workers.Select(w =>
                $"{w.Name} on {(w.Location == "this process" ? "the run's silo" : $"silo {w.Location}")} (shards {string.Join(", ", w.Shards)})")));
        return group;
    }

    /// <summary>
    /// Starts worker <paramref name="index"/> of a run on <paramref name="silo"/> and returns its handle. The silo is a
    /// placement hint, which Orleans passes over for a silo it does not count right now (<see cref="PassedOverSilos"/>):
    /// the worker would land on another silo, perhaps the run's own or one with a worker already. So it is placed
    /// first, by a call that loads nothing, and started only where it was asked to be; elsewhere
    /// <see cref="WorkerPlacementException"/>.
    /// </summary>
    internal RemoteShardWorker Start(string runId, int index, SiloAddress silo, TrainingShardAssignment assignment)
    {
        var grain = grains.GetGrain<ITrainingShardGrain>($"{runId}/worker-{index}");
        try
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            string at = grain.GetSiloAsync().GetAwaiter().GetResult();
            if (at != silo.ToParsableString())
                throw new WorkerPlacementException(
                    $"worker {index} was placed on silo {at}, not on silo {silo}, which Orleans does not count as a place for it now (leaving or just joined)");
            string placed = grain.StartAsync(assignment).GetAwaiter().GetResult();
            return new RemoteShardWorker(grain, assignment.Epoch, $"worker {index}", placed);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
