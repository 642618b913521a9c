using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// A versioned token vocabulary: token id = index in <see cref="Tokens"/>. The <see cref="Version"/> names the
/// tokenizer kind, its format version and a hash of the token list, so two vocabularies with the same version are
/// the same vocabulary; checkpoints and dataset manifests embed it and refuse data made with another one.
/// </summary>
public sealed class Vocabulary
{
    private readonly FrozenDictionary<string, int> _ids;

    public Vocabulary(string kind, int formatVersion, IReadOnlyDictionary<string, int> settings, IReadOnlyList<string> tokens)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (tokens.Count == 0) throw new ArgumentException("A vocabulary needs at least one token", nameof(tokens));
        Kind = kind;
        FormatVersion = formatVersion;
        Settings = new SortedDictionary<string, int>(settings.ToDictionary(), StringComparer.Ordinal);
        Tokens = tokens.ToArray();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < Tokens.Count; id++)
            if (!ids.TryAdd(Tokens[id], id))
                throw new ArgumentException($"Token '{Tokens[id]}' appears twice (ids {ids[Tokens[id]]} and {id})", nameof(tokens));
        _ids = ids.ToFrozenDictionary(StringComparer.Ordinal);
        Version = ComputeVersion(Kind, FormatVersion, Settings, Tokens);
    }

    /// <summary>The tokenizer that owns this vocabulary, e.g. "event" or "jsb-grid".</summary>
    public string Kind { get; }

    /// <summary>Bumped when the meaning of tokens changes even if their names do not.</summary>
    public int FormatVersion { get; }

    /// <summary>The tokenizer settings the vocabulary was built with (grid resolution...), sorted by name.</summary>
    public IReadOnlyDictionary<string, int> Settings { get; }

    public IReadOnlyList<string> Tokens { get; }

    public int Count => Tokens.Count;

    /// <summary>"{kind}-v{formatVersion}-{first 12 hex digits of SHA-256 over settings and tokens}".</summary>
    public string Version { get; }

    public bool Contains(int id) => (uint)id < (uint)Tokens.Count;

    public string TokenOf(int id) =>
        Contains(id) ? Tokens[id] : throw new UnknownTokenException($"Token id {id} is not in vocabulary {Version} (ids 0..{Count - 1})");

    public int IdOf(string token) =>
        _ids.TryGetValue(token, out int id) ? id : throw new UnknownTokenException($"Token '{token}' is not in vocabulary {Version}");

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>True when both are the same vocabulary (same version, hence same tokens and settings).</summary>
    public bool SameAs(Vocabulary other) => Version == other.Version;

    /// <summary>
    /// Whether the two vocabularies hold the same tokens under the same ids, whatever their kind and settings: a model
    /// trained on one can start a run on the other (the chorale grid and the harmony serialization of the same cells).
    /// </summary>
    public bool SameTokens(Vocabulary other) => Tokens.SequenceEqual(other.Tokens);

    public string ToJson() => JsonSerializer.Serialize(ToDocument(), JsonOptions);

    public VocabularyDocument ToDocument() => new(Kind, FormatVersion, Version, Settings.ToDictionary(), Tokens.ToArray());

    /// <summary>Reads a vocabulary and checks that its stated version matches its content.</summary>
    public static Vocabulary FromJson(string json)
    {
        VocabularyDocument? document;
        try { document = JsonSerializer.Deserialize<VocabularyDocument>(json, JsonOptions); }
        catch (JsonException e) { throw new InvalidVocabularyException($"Vocabulary JSON is malformed: {e.Message}", e); }
        return FromDocument(document ?? throw new InvalidVocabularyException("Vocabulary JSON is null"));
    }

    public static Vocabulary FromDocument(VocabularyDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Kind)) throw new InvalidVocabularyException("Vocabulary has no kind");
        if (document.Tokens is null || document.Tokens.Length == 0) throw new InvalidVocabularyException("Vocabulary has no tokens");
        Vocabulary vocabulary;
        try { vocabulary = new Vocabulary(document.Kind, document.FormatVersion, document.Settings ?? [], document.Tokens); }
        catch (ArgumentException e) { throw new InvalidVocabularyException($"Vocabulary is invalid: {e.Message}", e); }
        if (document.Version != vocabulary.Version)
            throw new InvalidVocabularyException(
                $"Vocabulary states version '{document.Version}' but its content hashes to '{vocabulary.Version}': it was edited or corrupted");
        return vocabulary;
    }

    private static string ComputeVersion(string kind, int formatVersion, IReadOnlyDictionary<string, int> settings, IReadOnlyList<string> tokens)
    {
        var text = new StringBuilder();
        text.Append(kind).Append('\n').Append(formatVersion).Append('\n');
        foreach (var (name, value) in settings) text.Append(name).Append('=').Append(value).Append('\n');
        foreach (string token in tokens) text.Append(token).Append('\n');
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return $"{kind}-v{formatVersion}-{hash[..12]}";
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        // Readable token names ("<bos>") in files; nothing here is embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>The JSON form of a <see cref="Vocabulary"/>, as embedded in checkpoints and dataset manifests.</summary>
public sealed record VocabularyDocument(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("formatVersion")] int FormatVersion,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("settings")] Dictionary<string, int>? Settings,
    [property: JsonPropertyName("tokens")] string[]? Tokens);

/// <summary>A token or token id that the vocabulary does not hold.</summary>
public sealed class UnknownTokenException(string message) : KeyNotFoundException(message);

/// <summary>A serialized vocabulary that cannot be trusted (malformed, or content not matching its version).</summary>
public sealed class InvalidVocabularyException(string message, Exception? inner = null) : FormatException(message, inner);
