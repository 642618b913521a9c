namespace MusicCluster.Grains.Library;

/// <summary>
/// Finished analyses of stored pieces on this silo (the piano roll's notes, metrics, similarity), kept in memory so a
/// piece page opened again, or by many people, costs one analysis. An entry is keyed by the analysis, the piece and
/// the SHA-256 of the MIDI file it was computed from, so a piece stored anew under the same id is analysed anew; the
/// least recently used entries go past <see cref="Capacity"/>. Only finished analyses are stored: one stopped by its
/// time limit leaves nothing.
/// </summary>
public sealed class PieceAnalysisCache
{
    /// <summary>Entries kept: a piece's three analyses are a few KB to a few hundred KB (notes of a long piece).</summary>
    public const int Capacity = 1024;

    private readonly object gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, object Value)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, object Value)> recent = new();

    public static string KeyOf(string analysis, string pieceId, string midiSha256) => $"{analysis}/{pieceId}/{midiSha256}";

    public bool TryGet<T>(string key, out T value) where T : class
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node) && node.Value.Value is T found)
            {
                recent.Remove(node);
                recent.AddFirst(node);
                value = found;
                return true;
            }
        }
        value = null!;
        return false;
    }

    public void Store(string key, object value)
    {
        lock (gate)
        {
            if (entries.Remove(key, out var existing)) recent.Remove(existing);
            entries[key] = recent.AddFirst((key, value));
            while (entries.Count > Capacity)
            {
                var last = recent.Last!;
                recent.RemoveLast();
                entries.Remove(last.Value.Key);
            }
        }
    }
}
