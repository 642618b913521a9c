using System.Text.Json.Serialization;

namespace MusicCluster.Music.Training;

/// <summary>
/// What a data-parallel run does when a worker leaves (its silo died): <c>continue</c> with the workers left (their
/// shards grow), or <c>wait</c> up to <see cref="RunConfig.WorkerWaitSeconds"/> before the next step for an eligible
/// silo to join and place a new worker there, then continue with the workers it has.
/// </summary>
[JsonConverter(typeof(CamelCaseEnumConverter<WorkerLossPolicy>))]
public enum WorkerLossPolicy { Continue, Wait }
