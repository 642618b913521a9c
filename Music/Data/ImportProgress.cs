namespace MusicCluster.Music.Data;

/// <summary>Progress of an import: items done of a total, and the item being worked on.</summary>
public readonly record struct ImportProgress(int Done, int Total, string Current);
