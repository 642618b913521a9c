using MusicCluster.Music.Audio;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tests.Notation;

namespace MusicCluster.Music.Tests.Audio;

public class WavRendererTests
{
    // Both engines must last the tempo-map duration plus the release tail. The built-in synthesizer is exact to one
    // sample; fluidsynth's file is padded or trimmed to the same length, so the same bound holds.
    private const double LengthToleranceSeconds = 0.01;
    private const double MinimumRms = 0.01;

    /// <summary>A piece with a tempo change, two instruments and drums: 4 bars at 100 then 140 BPM.</summary>
    private static Piece Ensemble()
    {
        var notes = new List<Note>();
        for (int i = 0; i < 16; i++)
        {
            notes.Add(TestPieces.Q(60 + new[] { 0, 4, 7, 12 }[i % 4], i, 1));
            notes.Add(TestPieces.Q(36 + (i % 2) * 7, i, 1, track: 1));
            notes.Add(TestPieces.Q(i % 2 == 0 ? 36 : 38, i, 0.25, track: 2, channel: 9));
        }
        Piece piece = TestPieces.Make(notes, tracks: [new TrackInfo(0, "Piano", 0, 0), new TrackInfo(1, "Bass", 33, 1), new TrackInfo(2, "Drums", 0, 9)]);
        return piece with { Tempos = [TempoChange.FromBpm(0, 100), TempoChange.FromBpm(8 * TestPieces.Tpq, 140)] };
    }

    private static double ExpectedSeconds(Piece piece, double release) => new TempoMap(piece).ToSeconds(piece.EndTick) + release;

    [Fact]
    public void BuiltInSynthesizerRendersAudibleAudioOfTheRightLength()
    {
        Piece piece = Ensemble();
        var renderer = new WavRenderer(midiEncoder: null, new WavRenderOptions { ReleaseSeconds = 0.75 });
        Assert.Equal(WavEngine.BuiltIn, renderer.Engine);
        WavRendering rendering = renderer.Render(piece);

        Assert.Equal(WavEngine.BuiltIn, rendering.Engine);
        AssertValidWav(rendering.Wav, expectedChannels: 1);
        // 8 quarters at 100 BPM (4.8 s) + 8 at 140 (3.43 s) + 0.75 s.
        double expected = 8 * 0.6 + 8 * 60.0 / 140 + 0.75;
        Assert.Equal(expected, ExpectedSeconds(piece, 0.75), 4);
        Assert.InRange(rendering.DurationSeconds, expected - LengthToleranceSeconds, expected + LengthToleranceSeconds);
        float[] samples = WavFile.ReadPcm16Samples(rendering.Wav, out _);
        Assert.True(Rms(samples) > MinimumRms, $"RMS {Rms(samples):F4} is too quiet");
    }

    [Fact]
    public void BuiltInSynthesizerFollowsTheTempoMap()
    {
        // One note in bar 3 (after the tempo change): silence before it, sound at it.
        Piece piece = TestPieces.Make([TestPieces.Q(69, 10, 1)]) with { Tempos = [TempoChange.FromBpm(0, 60), TempoChange.FromBpm(4 * TestPieces.Tpq, 120)] };
        float[] samples = WavFile.ReadPcm16Samples(new WavRenderer(null, new WavRenderOptions { UseFluidSynth = false }).Render(piece).Wav, out WavInfo info);
        double onset = 4 * 1.0 + 6 * 0.5; // 4 quarters at 60 BPM, 6 at 120
        int at = (int)(onset * info.SampleRate);
        Assert.Equal(0.0, Rms(samples.AsSpan(0, at - 100)), 6);
        Assert.True(Rms(samples.AsSpan(at, info.SampleRate / 4)) > MinimumRms);
    }

    [Fact]
    public void LoudDenseMusicIsScaledIntoTheHeadroomInsteadOfClipping()
    {
        // 40 simultaneous notes at full velocity would clip a plain sum.
        Piece piece = TestPieces.Make(Enumerable.Range(40, 40).Select(p => TestPieces.Q(p, 0, 2, velocity: 127)));
        float[] samples = WavFile.ReadPcm16Samples(new WavRenderer(null, new WavRenderOptions { UseFluidSynth = false }).Render(piece).Wav, out _);
        float peak = samples.Max(Math.Abs);
        Assert.InRange(peak, 0.5, BuiltInSynthesizer.Headroom + 0.001);
        Assert.DoesNotContain(samples, s => Math.Abs(s) >= 0.999f);
    }

    [SkippableFact]
    public void FluidSynthRendersAudibleStereoAudioOfTheRightLength()
    {
        Prerequisite.RequireProgram("fluidsynth", "fluidsynth");
        Prerequisite.Require(FluidSynthLocator.FindSoundFont() is not null, "a General MIDI soundfont (Debian package timgm6mb-soundfont, installed with fluidsynth)");
        Piece piece = Ensemble();
        var renderer = new WavRenderer(TestMidiEncoder.Encode, new WavRenderOptions { ReleaseSeconds = 1.0 });
        Assert.Equal(WavEngine.FluidSynth, renderer.Engine);
        WavRendering rendering = renderer.Render(piece);

        Assert.Equal(WavEngine.FluidSynth, rendering.Engine);
        WavInfo info = AssertValidWav(rendering.Wav, expectedChannels: 2);
        Assert.Equal(44_100, info.SampleRate);
        double expected = ExpectedSeconds(piece, 1.0);
        Assert.InRange(rendering.DurationSeconds, expected - LengthToleranceSeconds, expected + LengthToleranceSeconds);
        float[] samples = WavFile.ReadPcm16Samples(rendering.Wav, out _);
        Assert.True(Rms(samples) > MinimumRms, $"RMS {Rms(samples):F4} is too quiet");
        // The music plays until the last note: the final bar is not silent.
        int lastBar = (int)((expected - 1.0 - 1.7) * info.SampleRate) * info.Channels;
        Assert.True(Rms(samples.AsSpan(lastBar, info.SampleRate * info.Channels)) > MinimumRms);
    }

    [SkippableFact]
    public void FluidSynthFailureIsATypedError()
    {
        string program = Prerequisite.RequireProgram("fluidsynth", "fluidsynth");
        string? soundFont = FluidSynthLocator.FindSoundFont();
        Prerequisite.Require(soundFont is not null, "a General MIDI soundfont (Debian package timgm6mb-soundfont)");
        var error = Assert.Throws<AudioRenderException>(() => FluidSynthRenderer.Render("not a midi file"u8.ToArray(), program, soundFont!, 44_100, TimeSpan.FromMinutes(1)));
        Assert.Contains("fluidsynth", error.Message);
    }

    [Fact]
    public void AMissingFluidSynthProgramIsATypedError()
    {
        string missing = Path.Combine(RepositoryPaths.NewTempFolder("no-fluidsynth"), "fluidsynth");
        var error = Assert.Throws<AudioRenderException>(() => FluidSynthRenderer.Render([0], missing, "none.sf2", 44_100, TimeSpan.FromSeconds(10)));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void FluidSynthOutputIsPaddedOrTrimmedToThePieceLength()
    {
        // One second of stereo full-scale square wave at 8 kHz.
        short[] samples = Enumerable.Range(0, 16_000).Select(i => (short)((i / 20) % 2 == 0 ? 20_000 : -20_000)).ToArray();
        byte[] wav = WavFile.WritePcm16(samples, 8000, 2);

        byte[] padded = FluidSynthRenderer.FitLength(wav, 1.5);
        WavInfo paddedInfo = AssertValidWav(padded, expectedChannels: 2);
        Assert.Equal(12_000, paddedInfo.Frames);
        float[] paddedSamples = WavFile.ReadPcm16Samples(padded, out _);
        Assert.Equal(0.0, Rms(paddedSamples.AsSpan(16_000)));
        Assert.Equal(20_000 / 32768.0, Rms(paddedSamples.AsSpan(0, 16_000)), 4);

        byte[] trimmed = FluidSynthRenderer.FitLength(wav, 0.5);
        Assert.Equal(4000, AssertValidWav(trimmed, expectedChannels: 2).Frames);
        float[] trimmedSamples = WavFile.ReadPcm16Samples(trimmed, out _);
        // The cut fades out over 50 ms instead of ending in a click.
        Assert.Equal(0f, trimmedSamples[^1]);
        Assert.Equal(20_000 / 32768.0, Math.Abs(trimmedSamples[0]), 4);
    }

    [Fact]
    public void BadWavHeadersAreTypedErrorsWithOffsets()
    {
        byte[] good = WavFile.WritePcm16(new short[] { 1, 2, 3 }, 8000, 1);
        Assert.Equal(3, WavFile.ReadInfo(good).Frames);

        var notRiff = (byte[])good.Clone();
        notRiff[0] = (byte)'X';
        Assert.Equal(0, Assert.Throws<WavFormatException>(() => WavFile.ReadInfo(notRiff)).Offset);

        // A data chunk claiming 2 GB: the error names the length field (byte 40), nothing is allocated for it.
        var hugeData = (byte[])good.Clone();
        BitConverter.GetBytes(0x7FFF_FFF0).CopyTo(hugeData, 40);
        var error = Assert.Throws<WavFormatException>(() => WavFile.ReadInfo(hugeData));
        Assert.Equal(40, error.Offset);
        Assert.Contains("'data'", error.Message);

        // Cut inside the fmt chunk.
        Assert.Equal(16, Assert.Throws<WavFormatException>(() => WavFile.ReadInfo(good[..30])).Offset);
    }

    private static WavInfo AssertValidWav(byte[] wav, int expectedChannels)
    {
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        Assert.Equal("WAVE"u8.ToArray(), wav[8..12]);
        Assert.Equal(wav.Length - 8, BitConverter.ToInt32(wav, 4));
        WavInfo info = WavFile.ReadInfo(wav);
        Assert.Equal(16, info.BitsPerSample);
        Assert.Equal(expectedChannels, info.Channels);
        Assert.Equal(wav.Length, info.DataOffset + info.DataLength);
        return info;
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float s in samples) sum += s * s;
        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }
}
