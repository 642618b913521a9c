using System.Text;

namespace MusicCluster.Music.Tests.Data;

/// <summary>Small valid JSB documents and mutations of them: truncation, byte noise, structural edits.</summary>
internal static class JsbFuzzing
{
    public static byte[] ValidDocument(Random random)
    {
        string Split() => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
            "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
                "[" + string.Join(",", Enumerable.Range(0, 4).Select(_ => random.Next(8) == 0 ? -1 : random.Next(36, 82))) + "]")) + "]")) + "]";
        return Encoding.UTF8.GetBytes($$"""{"train": {{Split()}}, "valid": {{Split()}}, "test": {{Split()}}}""");
    }

    private static readonly string[] Insertions = ["[", "]", "{", "}", ",", ":", "\"", "-1", "128", "1e3", "0.5", "null", "true", "\"x\"", "[60,55,52]", "[60,55,52,48,47]",
        "\"train\":[]", "\\u0000", "\uFFFF", "-", "99999999999"];

    private const string Structural = "[]{},:\"-0123456789 ";

    public static byte[] Mutate(Random random, byte[] document)
    {
        var bytes = document.ToList();
        if (random.Next(6) == 0)
        {
            // Digit edits mostly keep the document well-formed; some push a pitch out of range.
            var digits = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] is >= (byte)'0' and <= (byte)'9').ToList();
            if (digits.Count > 0) bytes[digits[random.Next(digits.Count)]] = (byte)('0' + random.Next(10));
            return bytes.ToArray();
        }
        for (int edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes.RemoveRange(at, bytes.Count - at); break; // truncated
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 12), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Insertions[random.Next(Insertions.Length)])); break;
                case 4: ReplaceKey(bytes, random); break;
                case 5: RemoveOneVoiceOrAddOne(bytes, random); break;
                default: bytes[at] = (byte)Structural[random.Next(Structural.Length)]; break;
            }
        }
        return bytes.ToArray();
    }

    private static void ReplaceKey(List<byte> bytes, Random random)
    {
        string text = Encoding.UTF8.GetString(bytes.ToArray());
        string[] keys = ["\"train\"", "\"valid\"", "\"test\""];
        string key = keys[random.Next(keys.Length)];
        string replaced = text.Replace(key, random.Next(2) == 0 ? "\"Train\"" : keys[random.Next(keys.Length)]);
        bytes.Clear();
        bytes.AddRange(Encoding.UTF8.GetBytes(replaced));
    }

    private static void RemoveOneVoiceOrAddOne(List<byte> bytes, Random random)
    {
        string text = Encoding.UTF8.GetString(bytes.ToArray());
        int close = text.IndexOf(']', random.Next(Math.Max(1, text.Length)));
        if (close < 0) return;
        string edited = random.Next(2) == 0 ? text.Insert(close, ", 60") : RemoveLastNumberBefore(text, close);
        bytes.Clear();
        bytes.AddRange(Encoding.UTF8.GetBytes(edited));
    }

    private static string RemoveLastNumberBefore(string text, int close)
    {
        int comma = text.LastIndexOf(',', close);
        return comma < 0 ? text : text.Remove(comma, close - comma);
    }
}
