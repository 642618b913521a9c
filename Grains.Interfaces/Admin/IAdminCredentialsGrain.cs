namespace MusicCluster.Grains.Interfaces.Admin;

/// <summary>
/// The admin password's hash when none is configured (key 0): the first web host to start generates a password,
/// stores its hash here, and prints the password once. Only the hash is stored.
/// </summary>
public interface IAdminCredentialsGrain : IGrainWithIntegerKey
{
    Task<string?> GetPasswordHashAsync();

    /// <summary>Stores <paramref name="passwordHash"/> unless a hash is stored already; returns the stored hash (equal to the argument when it was stored now).</summary>
    Task<string> InitializeAsync(string passwordHash);
}
