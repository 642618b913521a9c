using System.Text.RegularExpressions;

namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>Piece ids: lower-case letters, digits and '-', 1-64 characters (they become blob names).</summary>
public static partial class PieceIds
{
    public static string NewId() => Guid.NewGuid().ToString("N")[..16];

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    public static void Validate(string id)
    {
        if (!IsValid(id)) throw new ArgumentException($"id: '{id}' is not a piece id (1-64 of a-z, 0-9, '-')");
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex ValidId();
}
