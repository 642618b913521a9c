using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Audio;

/// <summary>
/// Renders a piece to 16-bit mono PCM without any outside program: every note is a <see cref="SynthVoice"/> chosen by
/// its track's General MIDI program (channel 10 plays noise-based drums), timed by the tempo map, mixed in floating
/// point and scaled down when the mix would exceed the headroom, so the result never clips.
/// </summary>
public static class BuiltInSynthesizer
{
    /// <summary>Peak level of the final mix (-1 dBFS): room for the 16-bit conversion and for players that resample.</summary>
    public const double Headroom = 0.891;

    private const int TableSize = 4096;
    private static readonly double[] SineTable = Enumerable.Range(0, TableSize + 1).Select(i => Math.Sin(2 * Math.PI * i / TableSize)).ToArray();

    /// <summary>The piece as 16-bit samples. <paramref name="cancellation"/> is checked before every note, so a render
    /// given up on stops within one note's work (OperationCanceledException).</summary>
    public static short[] Render(Piece piece, int sampleRate, double releaseSeconds, CancellationToken cancellation = default)
    {
        if (sampleRate is < 8000 or > 192_000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be 8000-192000 Hz");
        var tempo = new TempoMap(piece);
        double seconds = tempo.ToSeconds(piece.EndTick) + Math.Max(0, releaseSeconds);
        long frames = (long)Math.Ceiling(seconds * sampleRate);
        if (frames > int.MaxValue / 2) throw new ArgumentException($"The piece lasts {seconds:F0} s, too long to render in memory", nameof(piece));
        var mix = new float[frames];
        var programs = piece.Tracks.ToDictionary(t => t.Index, t => t.Program);
        var random = new Random(12345); // fixed seed: the same piece always renders to the same bytes

        foreach (Note note in piece.Notes)
        {
            cancellation.ThrowIfCancellationRequested();
            if (note.Duration <= 0 || note.Velocity <= 0) continue;
            long start = (long)Math.Round(tempo.ToSeconds(note.Start) * sampleRate);
            long held = Math.Max(1, (long)Math.Round(tempo.ToSeconds(note.End) * sampleRate) - start);
            double amplitude = 0.22 * Math.Pow(note.Velocity / 127.0, 1.5);
            if (note.Channel == 9) RenderDrum(mix, start, note.Pitch, amplitude, sampleRate, random);
            else RenderTone(mix, start, held, note.Pitch, amplitude, SynthVoice.ForProgram(programs.GetValueOrDefault(note.Track)), sampleRate);
        }
        cancellation.ThrowIfCancellationRequested();
        return ToPcm16(mix);
    }

    /// <summary>Scales the mix into the headroom when needed and converts it to 16-bit samples.</summary>
    internal static short[] ToPcm16(float[] mix)
    {
        double peak = 0;
        foreach (float sample in mix) peak = Math.Max(peak, Math.Abs(sample));
        double scale = peak > Headroom ? Headroom / peak : 1.0;
        var pcm = new short[mix.Length];
        for (int i = 0; i < mix.Length; i++) pcm[i] = (short)Math.Round(Math.Clamp(mix[i] * scale, -1.0, 1.0) * 32767);
        return pcm;
    }

    private static void RenderTone(float[] mix, long start, long held, int pitch, double amplitude, SynthVoice voice, int sampleRate)
    {
        double frequency = 440.0 * Math.Pow(2, (pitch - 69) / 12.0);
        long releaseFrames = Math.Max(1, (long)(voice.Release * sampleRate));
        long total = Math.Min(held + releaseFrames, mix.Length - start);
        if (total <= 0) return;
        // Partials above Nyquist would alias into noise: leave them out.
        var partials = voice.Partials.Where(p => p.Ratio * frequency < sampleRate / 2.0).ToArray();
        if (partials.Length == 0) return;
        double norm = amplitude * voice.Gain / partials.Sum(p => p.Amplitude);
        double[] amplitudes = partials.Select(p => p.Amplitude).ToArray();
        double[] increments = partials.Select(p => p.Ratio * frequency / sampleRate).ToArray();
        var phases = new double[partials.Length];
        // High notes of struck sounds die away sooner, as on a piano.
        double decay = voice.Decay * Math.Clamp(Math.Pow(2, -(pitch - 60) / 24.0), 0.3, 2.5);
        long attackFrames = Math.Max(1, (long)(voice.Attack * sampleRate));
        long decayFrames = Math.Max(1, (long)(voice.Decay * sampleRate));
        // The exponential fade of struck sounds is a per-sample factor: no Math.Exp in the loop.
        double fadeFactor = Math.Exp(-1.0 / (decay * sampleRate)), fade = 1.0;
        double fmPhase = 0, fmIncrement = voice.FmRatio * frequency / sampleRate;
        bool fm = voice.FmIndex > 0;
        double level, releaseFrom = 0;

        for (long i = 0; i < total; i++)
        {
            if (i < held)
            {
                if (i < attackFrames) level = i / (double)attackFrames;
                else if (voice.Percussive) { level = fade; fade *= fadeFactor; }
                else if (i - attackFrames < decayFrames) level = 1 - (1 - voice.Sustain) * (i - attackFrames) / (double)decayFrames;
                else level = voice.Sustain;
                releaseFrom = level;
            }
            else level = releaseFrom * (1 - (i - held) / (double)releaseFrames);
            if (level <= 1e-5 && i >= attackFrames)
            {
                if (i >= held) break; // the release has faded out
                continue;
            }

            double sample = 0;
            if (fm)
            {
                // Two-operator FM: the modulator bends the phase of the fundamental fully and of the overtones by half.
                double modulation = voice.FmIndex * level * Sine(fmPhase) / (2 * Math.PI);
                for (int p = 0; p < phases.Length; p++)
                {
                    double phase = phases[p] + modulation * (p == 0 ? 1 : 0.5);
                    sample += amplitudes[p] * Sine(phase - Math.Floor(phase));
                }
                fmPhase += fmIncrement;
                if (fmPhase >= 1) fmPhase -= 1;
            }
            else
                for (int p = 0; p < phases.Length; p++) sample += amplitudes[p] * Sine(phases[p]);
            for (int p = 0; p < phases.Length; p++)
            {
                phases[p] += increments[p];
                if (phases[p] >= 1) phases[p] -= 1;
            }
            mix[start + i] += (float)(sample * level * norm);
        }
    }

    /// <summary>General MIDI drums: a falling sine for kicks and toms, noise for snares, hats and cymbals.</summary>
    private static void RenderDrum(float[] mix, long start, int pitch, double amplitude, int sampleRate, Random random)
    {
        bool kickOrTom = pitch is 35 or 36 or 41 or 43 or 45 or 47 or 48 or 50;
        bool cymbal = pitch is 42 or 44 or 46 or 49 or 51 or 52 or 53 or 55 or 57 or 59;
        double length = kickOrTom ? 0.35 : cymbal ? (pitch is 42 or 44 ? 0.08 : 0.6) : 0.2;
        long total = Math.Min((long)(length * sampleRate), mix.Length - start);
        double phase = 0, baseFrequency = kickOrTom ? 50 + (pitch - 35) * 6 : 180;
        for (long i = 0; i < total; i++)
        {
            double t = i / (double)sampleRate;
            double envelope = Math.Exp(-t / (length / 4));
            double sample;
            if (kickOrTom)
            {
                phase += baseFrequency * (1 + 2 * Math.Exp(-t * 30)) / sampleRate;
                if (phase >= 1) phase -= 1;
                sample = Sine(phase);
            }
            else
            {
                double noise = random.NextDouble() * 2 - 1;
                phase += baseFrequency / sampleRate;
                if (phase >= 1) phase -= 1;
                sample = cymbal ? noise : 0.6 * noise + 0.4 * Sine(phase);
            }
            mix[start + i] += (float)(sample * envelope * amplitude);
        }
    }

    /// <summary>sin(2π·phase) for a phase in [0, 1), from a table with linear interpolation: the inner loop runs per sample and partial.</summary>
    private static double Sine(double phase)
    {
        double position = phase * TableSize;
        int index = (int)position;
        double fraction = position - index;
        return SineTable[index] + (SineTable[index + 1] - SineTable[index]) * fraction;
    }
}
