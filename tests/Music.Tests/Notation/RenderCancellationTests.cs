using System.Diagnostics;
using MusicCluster.Music.Audio;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>
/// Every renderer stops when its caller gives up: a render cancelled part way through ends with
/// OperationCanceledException instead of running to the end (the web host bounds renders in time this way).
/// </summary>
public class RenderCancellationTests
{
    /// <summary>1,000 bars of four voices in quarter notes (16,000 notes, 2,000 s at 120 BPM): long to render in any format.</summary>
    private static readonly Lazy<Piece> ThousandBars = new(() =>
    {
        int[] chord = [72, 67, 64, 48];
        var notes = new List<Note>();
        for (int quarter = 0; quarter < 4000; quarter++)
            for (int voice = 0; voice < 4; voice++)
                notes.Add(TestPieces.Q(chord[voice] + (quarter % 7 == 0 ? 2 : 0), quarter, 1, track: voice, channel: voice));
        return TestPieces.Make(notes, title: "Thousand bars",
            tracks: [new TrackInfo(0, "Soprano", 0, 0), new TrackInfo(1, "Alto", 0, 1), new TrackInfo(2, "Tenor", 0, 2), new TrackInfo(3, "Bass", 0, 3)]);
    });

    /// <summary>Cancels 20 ms into the render: after the renderer has started, long before it could finish (on the 2-core
    /// development machine the MusicXML of this piece takes about 3 s). The cancel comes from a thread of its own, not a
    /// timer: under a loaded test run a timer's callback waits for a free thread-pool thread and once came after the
    /// render had ended.</summary>
    private static void AssertStopsWhenCancelledPartWay(Action<CancellationToken> render)
    {
        using var cancellation = new CancellationTokenSource();
        var canceller = new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(20));
            cancellation.Cancel();
        })
        { IsBackground = true };
        canceller.Start();
        Assert.ThrowsAny<OperationCanceledException>(() => render(cancellation.Token));
        canceller.Join();
    }

    [Fact]
    public void MusicXml_stops_when_cancelled_part_way() =>
        AssertStopsWhenCancelledPartWay(token => MusicXmlWriter.ToBytes(ThousandBars.Value, token));

    [Fact]
    public void Jianpu_stops_when_cancelled_part_way() =>
        AssertStopsWhenCancelledPartWay(token => JianpuSvgWriter.ToBytes(ThousandBars.Value, cancellation: token));

    [Fact]
    public void The_built_in_synthesizer_stops_when_cancelled_part_way() =>
        AssertStopsWhenCancelledPartWay(token => new WavRenderer(null, new WavRenderOptions { UseFluidSynth = false }).Render(ThousandBars.Value, token));

    /// <summary>The token reaches fluidsynth's run; that the program is then killed at once, rather than waited for, is
    /// <see cref="A_cancelled_outside_program_is_killed_at_once"/>.</summary>
    [SkippableFact]
    public void Fluidsynth_is_stopped_when_cancelled_part_way()
    {
        Prerequisite.RequireProgram("fluidsynth", "fluidsynth");
        Prerequisite.Require(FluidSynthLocator.FindSoundFont() is not null, "a General MIDI soundfont (Debian package timgm6mb-soundfont, installed with fluidsynth)");
        var renderer = new WavRenderer(p => MidiFileWriter.Write(p));
        Assert.Equal(WavEngine.FluidSynth, renderer.Engine);
        AssertStopsWhenCancelledPartWay(token => renderer.Render(ThousandBars.Value, token));
    }

    [Fact]
    public void A_cancelled_outside_program_is_killed_at_once()
    {
        string sleep = Prerequisite.RequireProgram("sleep", "coreutils");
        using var cancellation = new CancellationTokenSource();
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ExternalProgram.Run(sleep, ["60"], TimeSpan.FromMinutes(2), cancellation: cancellation.Token));
        // Waited for the cancellation, not for the program's 60 s or the 2-minute limit.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public void Renders_that_are_not_cancelled_are_unchanged_by_a_token()
    {
        Piece piece = TestPieces.TwoTracksWithVoices();
        using var cancellation = new CancellationTokenSource();
        Assert.Equal(MusicXmlWriter.ToBytes(piece), MusicXmlWriter.ToBytes(piece, cancellation.Token));
        Assert.Equal(JianpuSvgWriter.ToBytes(piece), JianpuSvgWriter.ToBytes(piece, cancellation: cancellation.Token));
        var builtIn = new WavRenderer(null, new WavRenderOptions { UseFluidSynth = false });
        Assert.Equal(builtIn.Render(piece).Wav, builtIn.Render(piece, cancellation.Token).Wav);
    }
}
