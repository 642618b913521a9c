using System.Buffers.Binary;

namespace MusicCluster.Music.Audio;

/// <summary>Renders a Standard MIDI File with the fluidsynth program (fast, offline: `fluidsynth -ni -F out.wav`).</summary>
public static class FluidSynthRenderer
{
    /// <summary>The WAV fluidsynth makes of <paramref name="midi"/>; cancelling <paramref name="cancellation"/> kills fluidsynth
    /// (OperationCanceledException) and removes what it had written.</summary>
    public static byte[] Render(byte[] midi, string program, string soundFont, int sampleRate, TimeSpan timeout, CancellationToken cancellation = default)
    {
        string folder = Path.Combine(Path.GetTempPath(), "musiccluster-fluidsynth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string midiPath = Path.Combine(folder, "in.mid"), wavPath = Path.Combine(folder, "out.wav");
            File.WriteAllBytes(midiPath, midi);
            // -n: no MIDI input driver, -i: no shell, -g 1.0: gain, -F: render to file as fast as possible, 16-bit WAV.
            ExternalProgramResult result;
            try
            {
                result = ExternalProgram.Run(program,
                    ["-ni", "-g", "1.0", "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-T", "wav", "-O", "s16", "-F", wavPath, soundFont, midiPath], timeout, folder, cancellation);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new AudioRenderException($"Could not start fluidsynth at '{program}': {e.Message}", e);
            }
            if (result.TimedOut) throw new AudioRenderException($"fluidsynth did not finish within {timeout.TotalSeconds:F0} s");
            if (result.ExitCode != 0 || !File.Exists(wavPath))
                throw new AudioRenderException($"fluidsynth failed with exit code {result.ExitCode}: {Tail(result.StandardError + result.StandardOutput)}");
            byte[] wav = File.ReadAllBytes(wavPath);
            try { WavFile.ReadInfo(wav); }
            catch (WavFormatException e) { throw new AudioRenderException($"fluidsynth wrote an unreadable WAV: {e.Message}", e); }
            return wav;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>
    /// Pads with silence or trims (with a short fade) so the file lasts <paramref name="seconds"/>, the same length the
    /// built-in synthesizer produces: fluidsynth's own end depends on how long it waits for voices to die out
    /// (about 3 s after the MIDI file ends with the Debian soundfont).
    /// </summary>
    public static byte[] FitLength(byte[] wav, double seconds)
    {
        WavInfo info = WavFile.ReadInfo(wav);
        int frameSize = info.Channels * info.BitsPerSample / 8;
        long frames = (long)Math.Ceiling(seconds * info.SampleRate);
        long dataLength = frames * frameSize;
        if (dataLength == info.DataLength) return wav;
        long keep = Math.Min(dataLength, info.DataLength);
        // Rewrite as header + data only, dropping any chunks after the data (there are none in fluidsynth's files).
        var result = new byte[checked(info.DataOffset + dataLength)];
        Array.Copy(wav, result, info.DataOffset + keep);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan((int)info.DataOffset - 4, 4), (uint)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4, 4), (uint)(result.Length - 8));
        if (keep < info.DataLength && info.BitsPerSample == 16) FadeOut(result.AsSpan((int)info.DataOffset, (int)keep), info);
        return result;
    }

    /// <summary>A 50 ms fade at a cut, so trimming a still-ringing tail does not end in a click.</summary>
    private static void FadeOut(Span<byte> data, WavInfo info)
    {
        int frameSize = info.Channels * 2;
        int frames = data.Length / frameSize;
        int fade = Math.Min(frames, info.SampleRate / 20);
        for (int f = 0; f < fade; f++)
        {
            double gain = (fade - f - 1) / (double)fade;
            for (int c = 0; c < info.Channels; c++)
            {
                Span<byte> sample = data.Slice((frames - fade + f) * frameSize + c * 2, 2);
                BinaryPrimitives.WriteInt16LittleEndian(sample, (short)Math.Round(BinaryPrimitives.ReadInt16LittleEndian(sample) * gain));
            }
        }
    }

    private static string Tail(string text) => text.Length <= 500 ? text.Trim() : "..." + text[^500..].Trim();
}
