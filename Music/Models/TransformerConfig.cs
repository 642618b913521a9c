using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicCluster.Music.Models;

/// <summary>
/// The architecture of a Transformer generator or critic. Checkpoints embed it as JSON, so a model can be rebuilt
/// from its checkpoint alone; the JSON names (camelCase) are the field names that validation errors use.
/// </summary>
public sealed record TransformerConfig
{
    // Upper bounds keep a hostile or mistyped config from allocating without limit (the KV cache alone is
    // layers x context x width floats per sequence); they are far above any model this project trains.
    public const int MaxVocabSize = 1 << 20;
    public const int MaxContextLength = 1 << 16;
    public const int MaxLayers = 256;
    public const int MaxModelWidth = 1 << 14;
    public const int MaxFeedForwardWidth = 1 << 16;
    public const int MaxMelodyEncoderLayers = 16;

    /// <summary>Longest melody (16th steps) a melody encoder reads at once: 64 bars of 4/4, past the longest chorale (40 bars).</summary>
    public const int MaxMelodySteps = 1024;

    /// <summary>Number of token ids; inputs are ids in [0, VocabSize).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Longest sequence the model attends over at once (sampling slides a window beyond it).</summary>
    public required int ContextLength { get; init; }

    public required int Layers { get; init; }

    public required int Heads { get; init; }

    /// <summary>Width of the residual stream; must be divisible by Heads, and the head width must be even for rotary positions.</summary>
    public required int ModelWidth { get; init; }

    /// <summary>Hidden width of each block's feed-forward network (commonly 4 x ModelWidth).</summary>
    public required int FeedForwardWidth { get; init; }

    /// <summary>Dropout probability on embeddings, attention weights and residual branches while training, in [0, 1).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Whether the generator's output projection shares the token embedding's weights (fewer parameters).</summary>
    public bool TiedOutput { get; init; } = true;

    /// <summary>Base of the rotary position embedding's frequencies.</summary>
    public double RotaryBase { get; init; } = 10000;

    /// <summary>The padding token, if the vocabulary has one; training ignores it in the loss.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>
    /// Layers of a melody encoder (null: none): a Transformer without a causal mask that reads a whole melody (a
    /// chorale grid's soprano cells) and adds what it read at each step to the input of the tokens written at that step,
    /// so a harmony model writes every note knowing the melody to its end (<see cref="MelodyEncoder"/>).
    /// </summary>
    public int? MelodyEncoderLayers { get; init; }

    [JsonIgnore]
    public bool HasMelodyEncoder => MelodyEncoderLayers is > 0;

    [JsonIgnore]
    public int HeadWidth => Heads > 0 ? ModelWidth / Heads : 0;

    /// <summary>Every problem with this config; empty when it is usable. <paramref name="fieldPrefix"/> names where it sits in a larger config (e.g. "model.").</summary>
    public IReadOnlyList<ConfigFieldError> Validate(string fieldPrefix = "")
    {
        var errors = new List<ConfigFieldError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(new ConfigFieldError(fieldPrefix + field, message));
        }

        Check(VocabSize >= 2, "vocabSize", $"must be at least 2, got {VocabSize}");
        Check(VocabSize <= MaxVocabSize, "vocabSize", $"must be at most {MaxVocabSize}, got {VocabSize}");
        Check(ContextLength >= 1, "contextLength", $"must be positive, got {ContextLength}");
        Check(ContextLength <= MaxContextLength, "contextLength", $"must be at most {MaxContextLength}, got {ContextLength}");
        Check(Layers >= 1, "layers", $"must be positive, got {Layers}");
        Check(Layers <= MaxLayers, "layers", $"must be at most {MaxLayers}, got {Layers}");
        Check(Heads >= 1, "heads", $"must be positive, got {Heads}");
        Check(ModelWidth >= 1, "modelWidth", $"must be positive, got {ModelWidth}");
        Check(ModelWidth <= MaxModelWidth, "modelWidth", $"must be at most {MaxModelWidth}, got {ModelWidth}");
        Check(FeedForwardWidth >= 1, "feedForwardWidth", $"must be positive, got {FeedForwardWidth}");
        Check(FeedForwardWidth <= MaxFeedForwardWidth, "feedForwardWidth", $"must be at most {MaxFeedForwardWidth}, got {FeedForwardWidth}");
        if (Heads >= 1 && ModelWidth >= 1)
        {
            bool divisible = ModelWidth % Heads == 0;
            Check(divisible, "modelWidth", $"{ModelWidth} is not divisible by heads ({Heads})");
            if (divisible)
                Check(HeadWidth % 2 == 0, "heads", $"head width modelWidth/heads = {ModelWidth}/{Heads} = {HeadWidth} is odd; rotary positions need an even head width");
        }
        Check(double.IsFinite(Dropout) && Dropout >= 0 && Dropout < 1, "dropout", $"must be in [0, 1), got {Dropout}");
        Check(double.IsFinite(RotaryBase) && RotaryBase > 1, "rotaryBase", $"must be a finite number above 1, got {RotaryBase}");
        if (MelodyEncoderLayers is int encoderLayers)
            Check(encoderLayers is >= 1 and <= MaxMelodyEncoderLayers, "melodyEncoderLayers", $"must be 1 to {MaxMelodyEncoderLayers} (or absent for none), got {encoderLayers}");
        if (PadTokenId is int pad)
            Check(pad >= 0 && pad < VocabSize, "padTokenId", $"must be a token id in [0, vocabSize={VocabSize}), got {pad}");
        return errors;
    }

    /// <summary>Throws <see cref="InvalidConfigException"/> naming every wrong field.</summary>
    public TransformerConfig EnsureValid(string fieldPrefix = "")
    {
        var errors = Validate(fieldPrefix);
        if (errors.Count > 0) throw new InvalidConfigException("Transformer config", errors);
        return this;
    }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads and validates a config; malformed JSON, unknown or missing fields and invalid values are one <see cref="InvalidConfigException"/>.</summary>
    public static TransformerConfig FromJson(string json) =>
        ConfigJson.Parse<TransformerConfig>(json, JsonOptions, "Transformer config JSON").EnsureValid();
}
