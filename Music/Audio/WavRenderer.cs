using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Audio;

public enum WavEngine { FluidSynth, BuiltIn }

public sealed record WavRenderOptions
{
    public int SampleRate { get; init; } = 44_100;
    /// <summary>Silence kept after the last note ends so releases and reverb fade out instead of being cut.</summary>
    public double ReleaseSeconds { get; init; } = 1.0;
    /// <summary>A .sf2 to use; null finds a General MIDI soundfont in the usual Debian places.</summary>
    public string? SoundFontPath { get; init; }
    /// <summary>False forces the built-in synthesizer even where fluidsynth is installed.</summary>
    public bool UseFluidSynth { get; init; } = true;
    public TimeSpan FluidSynthTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Longest audio rendered, so a piece with an absurd length (a damaged file) cannot exhaust memory or disk.</summary>
    public double MaxSeconds { get; init; } = 3600;
}

/// <summary>A rendered WAV file and which engine made it.</summary>
public sealed record WavRendering(byte[] Wav, WavEngine Engine, double DurationSeconds);

/// <summary>
/// Renders pieces to WAV: with fluidsynth and a General MIDI soundfont when both are installed and a MIDI encoder
/// was given, with the <see cref="BuiltInSynthesizer"/> otherwise. The MIDI encoder is injected (Piece -> Standard MIDI
/// File bytes) so this class does not depend on how MIDI is written. Both engines produce a file lasting the piece's
/// duration on its tempo map plus <see cref="WavRenderOptions.ReleaseSeconds"/>.
/// </summary>
public sealed class WavRenderer(Func<Piece, byte[]>? midiEncoder = null, WavRenderOptions? options = null)
{
    public WavRenderOptions Options { get; } = options ?? new WavRenderOptions();

    /// <summary>The engine <see cref="Render"/> will use on this machine.</summary>
    public WavEngine Engine => FluidSynthSetup() is not null ? WavEngine.FluidSynth : WavEngine.BuiltIn;

    /// <summary>
    /// Renders the piece; longer than <see cref="WavRenderOptions.MaxSeconds"/>: ArgumentException before any work.
    /// Cancelling <paramref name="cancellation"/> stops the work (fluidsynth killed, the built-in synthesizer between
    /// notes) with OperationCanceledException.
    /// </summary>
    public WavRendering Render(Piece piece, CancellationToken cancellation = default)
    {
        double expected = DurationOf(piece);
        if (expected > Options.MaxSeconds)
            throw new ArgumentException($"The piece is too long for audio: it lasts {expected:F0} s, the limit is {Options.MaxSeconds:F0} s", nameof(piece));
        if (FluidSynthSetup() is var (program, soundFont))
        {
            byte[] wav = FluidSynthRenderer.Render(midiEncoder!(piece), program, soundFont, Options.SampleRate, Options.FluidSynthTimeout, cancellation);
            wav = FluidSynthRenderer.FitLength(wav, expected);
            return new WavRendering(wav, WavEngine.FluidSynth, WavFile.ReadInfo(wav).DurationSeconds);
        }
        short[] samples = BuiltInSynthesizer.Render(piece, Options.SampleRate, Options.ReleaseSeconds, cancellation);
        return new WavRendering(WavFile.WritePcm16(samples, Options.SampleRate, 1), WavEngine.BuiltIn, samples.Length / (double)Options.SampleRate);
    }

    /// <summary>Seconds the WAV of this piece lasts: the piece on its tempo map plus <see cref="WavRenderOptions.ReleaseSeconds"/>.</summary>
    public double DurationOf(Piece piece) => new TempoMap(piece).ToSeconds(piece.EndTick) + Options.ReleaseSeconds;

    private (string Program, string SoundFont)? FluidSynthSetup()
    {
        if (!Options.UseFluidSynth || midiEncoder is null) return null;
        string? program = FluidSynthLocator.FindExecutable();
        string? soundFont = FluidSynthLocator.FindSoundFont(Options.SoundFontPath);
        return program is not null && soundFont is not null ? (program, soundFont) : null;
    }
}
