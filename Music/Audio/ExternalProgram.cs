using System.Diagnostics;

namespace MusicCluster.Music.Audio;

/// <summary>What an outside program did: its exit code and everything it printed.</summary>
public sealed record ExternalProgramResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut);

/// <summary>
/// Runs an outside program (fluidsynth; lilypond in tests) with arguments passed as a list, so paths with spaces
/// need no quoting. Output is read asynchronously so a chatty program never blocks on a full pipe, and a program that
/// outlives its time limit, or whose caller gives up (<paramref name="cancellation"/> of <see cref="Run"/>), is killed with
/// its children.
/// </summary>
public static class ExternalProgram
{
    /// <summary>
    /// Runs the program to its end or its time limit (then <see cref="ExternalProgramResult.TimedOut"/>). When
    /// <paramref name="cancellation"/> is cancelled first, the program is killed and OperationCanceledException thrown.
    /// </summary>
    public static ExternalProgramResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'");
        process.StandardInput.Close(); // programs that would wait for input (fluidsynth's shell) see end of input at once
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        bool exited = WaitForExit(process, timeout, cancellation);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* it exited meanwhile */ }
            process.WaitForExit();
        }
        cancellation.ThrowIfCancellationRequested();
        return new ExternalProgramResult(exited ? process.ExitCode : -1, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult(), !exited);
    }

    /// <summary>True when the process exits within the time limit; false when the limit or the cancellation comes first.</summary>
    private static bool WaitForExit(Process process, TimeSpan timeout, CancellationToken cancellation)
    {
        if (!cancellation.CanBeCanceled) return process.WaitForExit(timeout);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        try
        {
            process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
