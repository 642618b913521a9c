namespace MusicCluster.Music.Models;

/// <summary>
/// Grammar of a token vocabulary, as seen by the sampler: which tokens may come next so that the sequence still
/// decodes to a valid piece, and when a sequence is complete (e.g. after the requested number of bars).
/// Implemented by the tokenizers. One instance serves one sequence; it may keep state between calls, since it
/// is asked once per position, in order, with the whole sequence so far (primer included) each time.
/// </summary>
public interface ITokenConstraint
{
    /// <summary>
    /// Sets allowed[id] = true for each token id that may follow <paramref name="tokens"/>. The mask arrives all
    /// false and has one entry per vocabulary id. Allowing no token at all is an error the sampler reports.
    /// </summary>
    void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed);

    /// <summary>Whether the sequence should end here (checked after every sampled token). Default: never.</summary>
    bool IsComplete(ReadOnlySpan<int> tokens) => false;
}
