using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>The JSB Chorales as read from their JSON: per split, the chorales as four-voice grids.</summary>
public sealed record JsbCorpus(IReadOnlyDictionary<string, IReadOnlyList<ChoraleGrid>> Splits);
