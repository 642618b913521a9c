using System.Text.Json;
using System.Text.Json.Nodes;
using MusicCluster.Music.Models;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>Where a run's training data came from: the dataset's id (its folder name) and the SHA-256 of its manifest.json.</summary>
public sealed record DatasetReference(string Id, string ManifestSha256);

/// <summary>The metadata of a model checkpoint, as stored in the archive's JSON.</summary>
public sealed record CheckpointInfo
{
    public const string CurrentFormat = "musiccluster-model-v1";

    public string Format { get; init; } = CurrentFormat;
    public required RunConfig RunConfig { get; init; }
    public required Vocabulary Vocabulary { get; init; }
    /// <summary>Steps completed: a resumed run continues with this step.</summary>
    public required long Step { get; init; }
    public required TrainingPhase Phase { get; init; }
    public TrainingMetrics? Metrics { get; init; }
    public double? BestValidNll { get; init; }
    public DatasetReference? Dataset { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Packs a generator (and for a resumable checkpoint the critic and both optimizers' states) with its
/// <see cref="CheckpointInfo"/> into a <see cref="CheckpointArchive"/>, and back. Parts: <c>generator</c>,
/// <c>critic</c>, <c>generatorOptimizer</c>, <c>criticOptimizer</c> (all but the generator optional, so an
/// exported model can be weights only). Unpacking checks the vocabulary against the one the caller expects and
/// the weights against the architecture in the config; every failure is a <see cref="CheckpointFormatException"/>
/// naming the blob.
/// </summary>
public sealed class ModelCheckpoint : IDisposable
{
    public const string GeneratorPart = "generator", CriticPart = "critic", GeneratorOptimizerPart = "generatorOptimizer", CriticOptimizerPart = "criticOptimizer";

    /// <summary>A local-mode data-parallel run's outer Nesterov momentum (float32 little-endian, parameters() order), when its momentum is not 0.</summary>
    public const string OuterMomentumPart = "outerMomentum";

    private static readonly JsonSerializerOptions MetricsJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private ModelCheckpoint(CheckpointInfo info, TransformerGenerator generator, TransformerCritic? critic, byte[]? generatorOptimizer, byte[]? criticOptimizer,
        float[]? outerMomentum = null)
    {
        OuterMomentum = outerMomentum;
        Info = info;
        Generator = generator;
        Critic = critic;
        GeneratorOptimizerState = generatorOptimizer;
        CriticOptimizerState = criticOptimizer;
    }

    public CheckpointInfo Info { get; }
    public TransformerGenerator Generator { get; }
    public TransformerCritic? Critic { get; }
    /// <summary>The saved state of the generator's optimizer (load into an optimizer over <see cref="Generator"/>'s parameters).</summary>
    public byte[]? GeneratorOptimizerState { get; }
    public byte[]? CriticOptimizerState { get; }
    /// <summary>The outer optimizer's momentum of a local-mode data-parallel run (null: none saved, it starts at zero).</summary>
    public float[]? OuterMomentum { get; }

    public static CheckpointArchive Pack(CheckpointInfo info, TransformerGenerator generator, TransformerCritic? critic = null,
        OptimizerHelper? generatorOptimizer = null, OptimizerHelper? criticOptimizer = null, float[]? outerMomentum = null)
    {
        var metadata = new JsonObject
        {
            ["format"] = info.Format,
            ["runConfig"] = JsonNode.Parse(info.RunConfig.ToJson()),
            ["vocabulary"] = JsonNode.Parse(info.Vocabulary.ToJson()),
            ["step"] = info.Step,
            ["phase"] = info.Phase == TrainingPhase.Mle ? "mle" : "adversarial",
            ["metrics"] = info.Metrics is null ? null : JsonSerializer.SerializeToNode(info.Metrics, MetricsJson),
            ["bestValidNll"] = info.BestValidNll,
            ["dataset"] = info.Dataset is null ? null : new JsonObject { ["id"] = info.Dataset.Id, ["manifestSha256"] = info.Dataset.ManifestSha256 },
            // The data sampler's whole state: windows of step s are drawn from (seed, s) (see TrainingWindows).
            ["dataSampler"] = new JsonObject { ["seed"] = info.RunConfig.Seed, ["nextStep"] = info.Step },
            ["createdAt"] = info.CreatedAt.ToString("O"),
        };
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [GeneratorPart] = ModuleBytes(generator) };
        if (critic is not null) parts[CriticPart] = ModuleBytes(critic);
        if (generatorOptimizer is not null) parts[GeneratorOptimizerPart] = OptimizerBytes(generatorOptimizer);
        if (criticOptimizer is not null) parts[CriticOptimizerPart] = OptimizerBytes(criticOptimizer);
        if (outerMomentum is not null) parts[OuterMomentumPart] = TensorChunks.Encode(outerMomentum, int.MaxValue - int.MaxValue % sizeof(float)).SingleOrDefault() ?? [];
        return new CheckpointArchive(metadata, parts);
    }

    /// <summary>
    /// The same checkpoint with another critic: every part and every metadata field kept except the critic's weights
    /// and its optimizer state (replaced by <paramref name="criticOptimizer"/>'s, or dropped when null), plus
    /// <paramref name="note"/> under <paramref name="noteName"/> in the metadata (what was done to the critic).
    /// The generator is untouched, so its figures stay valid.
    /// </summary>
    public static CheckpointArchive WithCritic(CheckpointArchive original, TransformerCritic critic, OptimizerHelper? criticOptimizer, string noteName, JsonNode note)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(critic);
        ArgumentException.ThrowIfNullOrWhiteSpace(noteName);
        var metadata = (JsonObject)original.Metadata.DeepClone();
        metadata[noteName] = note.DeepClone();
        var parts = new Dictionary<string, byte[]>(original.Parts, StringComparer.Ordinal) { [CriticPart] = ModuleBytes(critic) };
        parts.Remove(CriticOptimizerPart);
        if (criticOptimizer is not null) parts[CriticOptimizerPart] = OptimizerBytes(criticOptimizer);
        return new CheckpointArchive(metadata, parts);
    }

    /// <summary>
    /// The same checkpoint with a new, freshly initialised critic of <paramref name="architecture"/> in place of its
    /// critic (recorded in metadata.runConfig.critic; the critic's optimizer state is dropped): for fine-tuning a
    /// critic shaped like the generator when the run trained a smaller one.
    /// </summary>
    public static CheckpointArchive WithNewCritic(CheckpointArchive original, string source, CriticArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(architecture);
        CheckpointInfo info = ReadInfo(original.Metadata, source);
        RunConfig config = info.RunConfig with { Critic = architecture };
        config.EnsureValid();
        var metadata = (JsonObject)original.Metadata.DeepClone();
        metadata["runConfig"] = JsonNode.Parse(config.ToJson());
        using var critic = new TransformerCritic(config.CriticConfig);
        var parts = new Dictionary<string, byte[]>(original.Parts, StringComparer.Ordinal) { [CriticPart] = ModuleBytes(critic) };
        parts.Remove(CriticOptimizerPart);
        return new CheckpointArchive(metadata, parts);
    }

    /// <summary>
    /// Rebuilds the models of a checkpoint. <paramref name="expectedVocabulary"/>, when given, must be the
    /// checkpoint's vocabulary (a model for another vocabulary would read the data's ids as other tokens).
    /// </summary>
    public static ModelCheckpoint Unpack(CheckpointArchive archive, string source, Vocabulary? expectedVocabulary = null, Device? device = null)
    {
        CheckpointInfo info = ReadInfo(archive.Metadata, source);
        if (expectedVocabulary is not null && !expectedVocabulary.SameAs(info.Vocabulary))
            throw new CheckpointFormatException(source, 0,
                $"it was trained on vocabulary {info.Vocabulary.Version} ({info.Vocabulary.Count} tokens), "
                + $"not the expected {expectedVocabulary.Version} ({expectedVocabulary.Count} tokens)");

        var generator = LoadModule(new TransformerGenerator(info.RunConfig.Model, device), archive.Part(GeneratorPart, source), source, GeneratorPart);
        TransformerCritic? critic = null;
        try
        {
            if (archive.Parts.TryGetValue(CriticPart, out byte[]? criticBytes))
                critic = LoadModule(new TransformerCritic(info.RunConfig.CriticConfig, device), criticBytes, source, CriticPart);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
        archive.Parts.TryGetValue(GeneratorOptimizerPart, out byte[]? generatorOptimizer);
        archive.Parts.TryGetValue(CriticOptimizerPart, out byte[]? criticOptimizer);
        float[]? outerMomentum = null;
        if (archive.Parts.TryGetValue(OuterMomentumPart, out byte[]? outerBytes))
        {
            if (outerBytes.Length % sizeof(float) != 0)
            {
                generator.Dispose();
                critic?.Dispose();
                throw new CheckpointFormatException(source, 0, $"its '{OuterMomentumPart}' part has {outerBytes.Length} bytes, not a whole number of float32 values");
            }
            outerMomentum = TensorChunks.Decode([outerBytes], outerBytes.Length / sizeof(float));
        }
        return new ModelCheckpoint(info, generator, critic, generatorOptimizer, criticOptimizer, outerMomentum);
    }

    /// <summary>
    /// Loads a checkpoint file (a <c>.ckpt</c> from a local blob store, or one copied elsewhere). When the
    /// <c>.json</c> record written beside it is there, its length and SHA-256 are verified first.
    /// </summary>
    public static ModelCheckpoint LoadFile(string path, Vocabulary? expectedVocabulary = null, Device? device = null)
    {
        string source = Path.GetFullPath(path);
        if (!File.Exists(source)) throw new FileNotFoundException($"checkpoint {source} does not exist", source);
        byte[] bytes = File.ReadAllBytes(source);
        string recordPath = Path.ChangeExtension(source, ".json");
        if (File.Exists(recordPath))
        {
            CheckpointRecord? record;
            try { record = JsonSerializer.Deserialize<CheckpointRecord>(File.ReadAllText(recordPath), new JsonSerializerOptions(JsonSerializerDefaults.Web)); }
            catch (JsonException e) { throw new CheckpointFormatException(recordPath, 0, $"the record is not valid JSON: {e.Message}"); }
            if (record is not null)
            {
                if (bytes.LongLength != record.Length)
                    throw new CheckpointFormatException(source, Math.Min(bytes.LongLength, record.Length),
                        $"the file has {bytes.LongLength} bytes but {record.Length} were written (truncated?)");
                string sha = Storage.BlobStoreExtensions.Sha256Hex(bytes);
                if (!string.Equals(sha, record.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new CheckpointFormatException(source, 0, $"SHA-256 {sha} differs from the recorded {record.Sha256} (corrupted)");
            }
        }
        return Unpack(CheckpointArchive.Parse(bytes, source), source, expectedVocabulary, device);
    }

    /// <summary>Reads the metadata of a checkpoint without building its models.</summary>
    public static CheckpointInfo ReadInfo(JsonObject metadata, string source)
    {
        try
        {
            string format = metadata["format"]?.GetValue<string>() ?? throw Missing("format");
            if (format != CheckpointInfo.CurrentFormat)
                throw new CheckpointFormatException(source, 0, $"metadata.format is '{format}'; this build reads '{CheckpointInfo.CurrentFormat}'");
            var config = RunConfig.FromJson((metadata["runConfig"] ?? throw Missing("runConfig")).ToJsonString());
            var configErrors = config.Validate();
            if (configErrors.Count > 0) throw new CheckpointFormatException(source, 0, $"metadata.runConfig is invalid: {string.Join("; ", configErrors)}");
            var vocabulary = Vocabulary.FromJson((metadata["vocabulary"] ?? throw Missing("vocabulary")).ToJsonString());
            if (vocabulary.Count != config.Model.VocabSize)
                throw new CheckpointFormatException(source, 0,
                    $"metadata.runConfig.model.vocabSize is {config.Model.VocabSize} but the vocabulary {vocabulary.Version} has {vocabulary.Count} tokens");
            long step = metadata["step"]?.GetValue<long>() ?? throw Missing("step");
            if (step < 0) throw new CheckpointFormatException(source, 0, $"metadata.step is negative ({step})");
            var phase = (metadata["phase"]?.GetValue<string>() ?? throw Missing("phase")) switch
            {
                "mle" => TrainingPhase.Mle,
                "adversarial" => TrainingPhase.Adversarial,
                var other => throw new CheckpointFormatException(source, 0, $"metadata.phase '{other}' is neither mle nor adversarial"),
            };
            var dataset = metadata["dataset"] is JsonObject d
                ? new DatasetReference(d["id"]?.GetValue<string>() ?? "", d["manifestSha256"]?.GetValue<string>() ?? "")
                : null;
            return new CheckpointInfo
            {
                Format = format,
                RunConfig = config,
                Vocabulary = vocabulary,
                Step = step,
                Phase = phase,
                Metrics = metadata["metrics"]?.Deserialize<TrainingMetrics>(MetricsJson),
                BestValidNll = metadata["bestValidNll"]?.GetValue<double>(),
                Dataset = dataset,
                CreatedAt = DateTimeOffset.Parse(metadata["createdAt"]?.GetValue<string>() ?? throw Missing("createdAt"), System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        catch (Exception e) when (e is InvalidConfigException or InvalidVocabularyException or JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException(source, 0, $"its metadata is unusable: {e.Message}");
        }

        CheckpointFormatException Missing(string field) => new(source, 0, $"metadata.{field} is missing");
    }

    /// <summary>Loads an optimizer's state saved by <see cref="Pack"/>; the optimizer must be over the same parameters.</summary>
    public static void LoadOptimizer(OptimizerHelper optimizer, byte[] state, string source, string part)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(state, writable: false));
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or FormatException)
        {
            throw new CheckpointFormatException(source, 0, $"part '{part}' does not fit the optimizer: {e.Message}");
        }
    }

    private static T LoadModule<T>(T module, byte[] bytes, string source, string part) where T : nn.Module
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            module.load(stream, strict: true);
            return module;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or FormatException or KeyNotFoundException)
        {
            module.Dispose();
            throw new CheckpointFormatException(source, 0, $"part '{part}' does not fit the architecture in metadata.runConfig: {e.Message}");
        }
    }

    private static byte[] ModuleBytes(nn.Module module)
    {
        using var stream = new MemoryStream();
        module.save(stream);
        return stream.ToArray();
    }

    private static byte[] OptimizerBytes(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return stream.ToArray();
    }

    public void Dispose()
    {
        Generator.Dispose();
        Critic?.Dispose();
    }
}
