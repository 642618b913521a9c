using System.CommandLine;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text" };

    /// <summary>`--temperature T`, defaulting to what the product samples at (<see cref="PieceGeneration.DefaultTemperature"/>).</summary>
    public static Option<double> Temperature() =>
        new("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => PieceGeneration.DefaultTemperature };

    /// <summary>`--candidates N`, critic-guided sampling, checked against <see cref="CriticGuidance"/>'s bounds; absent: the command's default.</summary>
    public static Option<int?> Candidates(string description)
    {
        var candidates = new Option<int?>("--candidates") { Description = description };
        candidates.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int n && n is < CriticGuidance.MinCandidates or > CriticGuidance.MaxCandidates)
                r.AddError($"--candidates must be from {CriticGuidance.MinCandidates} to {CriticGuidance.MaxCandidates}");
        });
        return candidates;
    }
}
