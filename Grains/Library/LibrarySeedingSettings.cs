using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Library;

/// <summary>
/// The starter library, from section MusicCluster:Library: SeedCount (default 300; 0 turns seeding off), Bars per
/// piece (default 8), BatchSize (pieces sampled together, default 16) and Threads (libtorch threads of the seeding
/// thread, default 1: seeding uses at most one core, and OpenMP threads spinning on a loaded machine made a batch
/// ten times slower) and Candidates (critic-guided sampling: the best of N continuations per bar, default as for
/// generation requests; 1 = plain batched sampling). Bad values fail at start naming the key.
/// </summary>
public sealed record LibrarySeedingSettings(int SeedCount, int Bars, int BatchSize, int Threads = 1, int Candidates = Music.Training.CriticGuidance.DefaultCandidates)
{
    public const string Section = "MusicCluster:Library";
    public const int DefaultSeedCount = 300;
    public const int MaxSeedCount = 100_000;

    public static LibrarySeedingSettings From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        return new LibrarySeedingSettings(
            section.ReadInteger("SeedCount", DefaultSeedCount, 0, MaxSeedCount),
            section.ReadInteger("Bars", 8, 1, 64),
            section.ReadInteger("BatchSize", 16, 1, 256),
            section.ReadInteger("Threads", 1, 1, 256),
            section.ReadInteger("Candidates", Music.Training.CriticGuidance.DefaultCandidates, Music.Training.CriticGuidance.MinCandidates,
                Music.Training.CriticGuidance.MaxCandidates));
    }
}
