using System.Text;
using System.Text.Json;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>
/// Reads the JSB Chorales JSON: an object with keys train, valid and test, each a list of pieces, each piece a
/// non-empty list of 16th-note steps, each step exactly four integers (soprano, alto, tenor, bass), a MIDI pitch
/// 0-127 or -1 for silence. Anything else throws one <see cref="DatasetFormatException"/> with the JSON path and
/// byte offset of the problem. Reading is a single forward pass over the bytes, so memory is bounded by the file.
/// </summary>
public static class JsbJsonReader
{
    /// <summary>Files above this size are refused before reading (the real corpus is 1.7 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    public static JsbCorpus ReadFile(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw new DatasetFormatException(path, $"the file is {length} bytes; a JSB JSON file above {MaxFileBytes} bytes is refused");
        return Parse(File.ReadAllBytes(path), path);
    }

    public static JsbCorpus Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        int bomLength = utf8.StartsWith("\uFEFF"u8) ? 3 : 0;
        if (utf8[bomLength..].Trim(" \t\r\n"u8).IsEmpty) throw new DatasetFormatException(fileName, "the file holds no JSON value", "$", bomLength);
        // Multiple values are allowed only so that content after the object is reported by this reader, by name.
        var reader = new Utf8JsonReader(utf8[bomLength..], new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8, AllowMultipleValues = true });
        var path = new JsonPathTracker();
        try
        {
            return ReadDocument(ref reader, path, fileName, bomLength);
        }
        catch (JsonException e)
        {
            long consumed = reader.BytesConsumed;
            if (utf8[(bomLength + (int)consumed)..].Trim(" \t\r\n"u8).IsEmpty)
                throw new DatasetFormatException(fileName, "the file ends inside the document (truncated?)", path.ToString(), consumed + bomLength, e);
            string syntax = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
            throw new DatasetFormatException(fileName, $"invalid JSON: {syntax} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} of the line)",
                path.ToString(), reader.BytesConsumed + bomLength, e);
        }
    }

    private static JsbCorpus ReadDocument(ref Utf8JsonReader reader, JsonPathTracker path, string fileName, int bomLength)
    {
        DatasetFormatException Error(ref Utf8JsonReader r, string problem) => new(fileName, problem, path.ToString(), r.TokenStartIndex + bomLength);

        if (!reader.Read()) throw new DatasetFormatException(fileName, "the file holds no JSON value", "$", bomLength);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Error(ref reader, $"expected an object with keys {string.Join(", ", DatasetSplits.All)}, found {Describe(reader.TokenType)}");

        var splits = new Dictionary<string, IReadOnlyList<ChoraleGrid>>();
        while (true)
        {
            Next(ref reader, fileName, path, bomLength);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            // Only property names can follow inside an object; the reader enforces that.
            string? split = null;
            foreach (string name in DatasetSplits.All)
                if (reader.ValueTextEquals(name)) split = name;
            if (split is null)
                throw Error(ref reader, $"unexpected key \"{Preview(reader.ValueSpan)}\"; expected only {string.Join(", ", DatasetSplits.All)}");
            if (splits.ContainsKey(split)) throw Error(ref reader, $"key \"{split}\" appears twice");
            path.Key = split;
            splits[split] = ReadSplit(ref reader, path, fileName, bomLength);
            path.Key = null;
        }
        var missing = DatasetSplits.All.Where(name => !splits.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            throw new DatasetFormatException(fileName, $"missing key{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"\"{m}\""))}", "$",
                reader.TokenStartIndex + bomLength);
        if (reader.Read())
            throw new DatasetFormatException(fileName, $"unexpected {Describe(reader.TokenType)} after the top-level object", "$", reader.TokenStartIndex + bomLength);
        return new JsbCorpus(DatasetSplits.All.ToDictionary(name => name, name => splits[name]));
    }

    private static List<ChoraleGrid> ReadSplit(ref Utf8JsonReader reader, JsonPathTracker path, string fileName, int bomLength)
    {
        Next(ref reader, fileName, path, bomLength);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new DatasetFormatException(fileName, $"expected a list of pieces, found {Describe(reader.TokenType)}", path.ToString(), reader.TokenStartIndex + bomLength);
        var pieces = new List<ChoraleGrid>();
        var cells = new List<int>();
        for (path.Piece = 0; ; path.Piece++)
        {
            Next(ref reader, fileName, path, bomLength);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new DatasetFormatException(fileName, $"expected a piece (a list of steps), found {Describe(reader.TokenType)}", path.ToString(),
                    reader.TokenStartIndex + bomLength);
            long pieceStart = reader.TokenStartIndex + bomLength;
            cells.Clear();
            for (path.Step = 0; ; path.Step++)
            {
                Next(ref reader, fileName, path, bomLength);
                if (reader.TokenType == JsonTokenType.EndArray) break;
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new DatasetFormatException(fileName, $"expected a step (a list of {ChoraleGrid.Voices} pitches), found {Describe(reader.TokenType)}", path.ToString(),
                        reader.TokenStartIndex + bomLength);
                ReadStep(ref reader, path, fileName, bomLength, cells);
            }
            path.Step = -1;
            if (cells.Count == 0) throw new DatasetFormatException(fileName, "a piece has no steps", path.ToString(), pieceStart);
            pieces.Add(ChoraleGrid.FromRaster(cells.ToArray()));
        }
        path.Piece = -1;
        return pieces;
    }

    private static void ReadStep(ref Utf8JsonReader reader, JsonPathTracker path, string fileName, int bomLength, List<int> cells)
    {
        long stepStart = reader.TokenStartIndex + bomLength;
        for (path.Voice = 0; ; path.Voice++)
        {
            Next(ref reader, fileName, path, bomLength);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                int voices = path.Voice;
                path.Voice = -1;
                if (voices != ChoraleGrid.Voices)
                    throw new DatasetFormatException(fileName, $"a step has {voices} voice{(voices == 1 ? "" : "s")}; expected exactly {ChoraleGrid.Voices} (S, A, T, B)",
                        path.ToString(), stepStart);
                return;
            }
            if (path.Voice >= ChoraleGrid.Voices)
                throw new DatasetFormatException(fileName, $"a step has more than {ChoraleGrid.Voices} voices (S, A, T, B)", path.ToString(), reader.TokenStartIndex + bomLength);
            if (reader.TokenType != JsonTokenType.Number)
                throw new DatasetFormatException(fileName, $"expected a pitch (an integer), found {Describe(reader.TokenType)}", path.ToString(),
                    reader.TokenStartIndex + bomLength);
            if (!reader.TryGetInt32(out int pitch))
                throw new DatasetFormatException(fileName, $"pitch {Preview(reader.ValueSpan)} is not an integer", path.ToString(), reader.TokenStartIndex + bomLength);
            if (pitch is not (ChoraleGrid.Silent or (>= 0 and <= 127)))
                throw new DatasetFormatException(fileName, $"pitch {pitch} is out of range (a MIDI pitch 0-127, or -1 for silence)", path.ToString(),
                    reader.TokenStartIndex + bomLength);
            cells.Add(pitch);
        }
    }

    /// <summary>Reads the next token; running out of input inside the document is a truncation.</summary>
    private static void Next(ref Utf8JsonReader reader, string fileName, JsonPathTracker path, int bomLength)
    {
        if (!reader.Read())
            throw new DatasetFormatException(fileName, "the file ends inside the document (truncated?)", path.ToString(), reader.BytesConsumed + bomLength);
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.PropertyName => "a key",
        JsonTokenType.EndArray => "the end of a list",
        JsonTokenType.EndObject => "the end of an object",
        _ => type.ToString(),
    };

    /// <summary>At most 40 characters of raw token text for a message; invalid UTF-8 shows as replacement characters.</summary>
    private static string Preview(ReadOnlySpan<byte> raw)
    {
        string text = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 160)]);
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>Where the reader is, as <c>train[3][17][2]</c>.</summary>
    private sealed class JsonPathTracker
    {
        public string? Key;
        public int Piece = -1, Step = -1, Voice = -1;

        public override string ToString()
        {
            if (Key is null) return "$";
            var text = new StringBuilder(Key);
            if (Piece >= 0) text.Append('[').Append(Piece).Append(']');
            if (Piece >= 0 && Step >= 0) text.Append('[').Append(Step).Append(']');
            if (Piece >= 0 && Step >= 0 && Voice >= 0) text.Append('[').Append(Voice).Append(']');
            return text.ToString();
        }
    }
}
