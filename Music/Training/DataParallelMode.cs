using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicCluster.Music.Training;

/// <summary>
/// How the workers of a data-parallel run combine their work. Synchronous: every step the gradients of all workers
/// are averaged before the one optimizer step (PyTorch DistributedDataParallel; the same as one worker with the summed
/// batch). Local: each worker takes <see cref="RunConfig.LocalSteps"/> steps with its own optimizer, then the parameter
/// changes are averaged and applied by an outer Nesterov-momentum SGD (DiLoCo, Douillard et al. 2023), communicating
/// H times less.
/// </summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DataParallelMode>))]
public enum DataParallelMode { Synchronous, Local }

/// <summary>Enum values as camelCase strings ("synchronous", "local"); numbers are refused so a config says what it means.</summary>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false) where T : struct, Enum;
