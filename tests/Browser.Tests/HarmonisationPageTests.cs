using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Browser.Tests;

/// <summary>
/// A listener entering a melody in the studio and having it harmonised in four parts, editing a melody note by note,
/// and rewriting bars of a chorale from its piece page (the studio then shows the new piece arriving).
/// </summary>
public sealed partial class HarmonisationPageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>, IAsyncLifetime
{
    /// <summary>A four-part chorale as the default model writes it, with bars 2-3 to rewrite.</summary>
    private const string ChoraleId = "rewrite-0";

    /// <summary>A piece that is not four voices: the piece page offers no regeneration for it.</summary>
    private const string AccompanimentId = "rewrite-1";

    /// <summary>Sessions on this busy two-core machine: the model samples several candidates per bar for each bar.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 240_000 };

    /// <summary>Eight quarter notes up and down a D major scale, all inside the soprano's range: two bars.</summary>
    private static readonly int[] Tune = [62, 64, 66, 67, 69, 67, 66, 64];

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex Positive();

    public async Task InitializeAsync()
    {
        IClusterClient cluster = await client.ConnectAsync();
        var pieces = SyntheticCorpus.Generate(2, seed: 21).ToList();
        pieces[0] = LibraryAndPiecePageTests.AsChoraleModelOutput(pieces[0]);
        (string Id, string Title)[] entries = [(ChoraleId, "Chorale to rewrite"), (AccompanimentId, "Melody with accompaniment")];
        for (int i = 0; i < entries.Length; i++)
        {
            IPieceGrain grain = cluster.GetGrain<IPieceGrain>(entries[i].Id);
            if (await grain.GetAsync() is not null) continue;
            var provenance = new PieceProvenance("default", "step-1", i, new Dictionary<string, string>(), DateTimeOffset.UtcNow, null, null, null, "CC BY 4.0");
            await grain.CreateAsync(new NewPiece(entries[i].Title, MidiFileWriter.Write(pieces[i]), provenance, null));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task A_melody_played_on_the_studio_keys_is_harmonised_live_into_a_four_part_piece()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(client.BaseAddress.ToString());
        await page.FillAsync("#seed", "7");
        await page.FillAsync("#candidates", "2");

        // Step entry with the default length, a quarter note per key: eight keys, two bars.
        foreach (int pitch in Tune) await page.GetByTestId($"melody-key-{pitch}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("melody-roll")).ToHaveAttributeAsync("data-notes", "8");
        await Assertions.Expect(page.GetByTestId("melody-notes").GetByTestId("melody-note")).ToHaveCountAsync(8);
        await Assertions.Expect(page.GetByTestId("melody-summary")).ToHaveTextAsync("8 note(s), 2 bar(s)");
        await browser.ScreenshotAsync("harmonise-melody");

        await page.GetByTestId("harmonise").ClickAsync();
        // Either the piece arrives or the studio says why not (a build without the harmony model refuses the melody).
        await Assertions.Expect(page.GetByTestId("piece-link").Or(page.Locator("[data-testid=form-errors]:not(:empty)")).First).ToBeVisibleAsync(Patient);
        Assert.Equal("", await page.GetByTestId("form-errors").TextContentAsync());
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Completed");
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Harmonisation");
        await Assertions.Expect(page.GetByTestId("bar-scores").GetByTestId("bar-score")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-notes", Positive());
        await browser.ScreenshotAsync("harmonise-studio");

        await page.GetByTestId("piece-link").ClickAsync();
        ILocator staff = page.GetByTestId("staff-notation");
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-staves-per-system", "4");
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 60_000 });
        // A harmonisation is a chorale, so it can have bars rewritten in turn.
        await Assertions.Expect(page.GetByTestId("regenerate-section")).ToBeVisibleAsync();
        await staff.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("harmonised-piece");

        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task A_melody_entered_in_the_evaluation_room_is_harmonised_and_watched_in_the_studio()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/evaluate").ToString());
        ILocator card = page.GetByTestId("melody-section");
        await card.GetByTestId("harmonise-seed").FillAsync("7");
        await card.GetByTestId("harmonise-candidates").FillAsync("2");

        // The same melody input as the studio's: eight quarter notes, two bars.
        foreach (int pitch in Tune) await card.GetByTestId($"melody-key-{pitch}").ClickAsync();
        await Assertions.Expect(card.GetByTestId("melody-roll")).ToHaveAttributeAsync("data-notes", "8");
        await Assertions.Expect(card.GetByTestId("melody-notes").GetByTestId("melody-note")).ToHaveCountAsync(8);
        await Assertions.Expect(card.GetByTestId("melody-summary")).ToHaveTextAsync("8 note(s), 2 bar(s)");
        // The card is in use, so it has the computer keys: the Play piano above hears nothing.
        await Assertions.Expect(card).ToHaveClassAsync(new Regex(@"\bmelody-listening\b"));
        await Assertions.Expect(page.GetByTestId("played-count")).ToHaveTextAsync("0 notes played");
        await card.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("evaluate-melody");
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(card.GetByTestId("melody-notes").GetByTestId("melody-note")).ToHaveCountAsync(9);
        await card.GetByTestId("melody-undo").ClickAsync();

        // A press on the Play piano hands the computer keys back to it; the melody keeps its eight notes.
        ILocator playKey = page.GetByTestId("piano").GetByTestId("piano-key").First;
        await playKey.HoverAsync();
        await page.Mouse.DownAsync();
        await page.Mouse.UpAsync();
        await Assertions.Expect(card).Not.ToHaveClassAsync(new Regex(@"\bmelody-listening\b"));
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(page.GetByTestId("played-count")).ToHaveTextAsync("2 notes played");
        await Assertions.Expect(card.GetByTestId("melody-summary")).ToHaveTextAsync("8 note(s), 2 bar(s)");

        await page.GetByTestId("evaluate-harmonise").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/\?session=[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("piece-link").Or(page.Locator("[data-testid=form-errors]:not(:empty)")).First).ToBeVisibleAsync(Patient);
        Assert.Equal("", await page.GetByTestId("form-errors").TextContentAsync());
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Completed");
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Harmonisation");
        await Assertions.Expect(page.GetByTestId("bar-scores").GetByTestId("bar-score")).ToHaveCountAsync(2);
        await browser.ScreenshotAsync("evaluate-harmonised-studio");

        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Step_entry_appends_notes_and_rests_and_a_selected_note_moves_a_semitone_and_is_removed()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(client.BaseAddress.ToString());
        ILocator notes = page.GetByTestId("melody-notes");
        ILocator roll = page.GetByTestId("melody-roll");

        foreach (int pitch in new[] { 64, 67, 72 }) await page.GetByTestId($"melody-key-{pitch}").ClickAsync();
        await Assertions.Expect(notes.GetByTestId("melody-note")).ToHaveTextAsync(["E4 quarter", "G4 quarter", "C5 quarter"]);
        Assert.False(await page.GetByTestId("harmonise").IsDisabledAsync());

        // Select G4 by clicking it on the roll (where the roll says its rows and quarters are), move it up, remove it.
        double quarterWidth = double.Parse((await roll.GetAttributeAsync("data-quarter-width"))!, CultureInfo.InvariantCulture);
        double rowHeight = double.Parse((await roll.GetAttributeAsync("data-row-height"))!, CultureInfo.InvariantCulture);
        int highPitch = int.Parse((await roll.GetAttributeAsync("data-high-pitch"))!, CultureInfo.InvariantCulture);
        await roll.ClickAsync(new() { Position = new() { X = (float)(1.5 * quarterWidth), Y = (float)((highPitch - 67 + 0.5) * rowHeight) } });
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-selected", "1");
        await Assertions.Expect(notes.GetByTestId("melody-note").Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(notes.GetByTestId("melody-note")).ToHaveTextAsync(["E4 quarter", "Ab4 quarter", "C5 quarter"]);
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(notes.GetByTestId("melody-note")).ToHaveTextAsync(["E4 quarter", "C5 quarter"]);
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-notes", "2");

        // Selecting in the list works too; a note cannot leave the soprano's range.
        await notes.GetByTestId("melody-note").Nth(0).ClickAsync();
        for (int i = 0; i < 5; i++) await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(notes.GetByTestId("melody-note").Nth(0)).ToHaveTextAsync("C4 quarter");
        await Assertions.Expect(page.GetByTestId("melody-hint")).ToContainTextAsync("C4 is the edge of the soprano's range");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-selected", "");

        // Other lengths, a rest, the computer keyboard (A is C4 until X moves it up an octave), Undo and Clear.
        await page.GetByText("eighth", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("melody-rest").ClickAsync();
        await page.Keyboard.PressAsync("a");
        await page.Keyboard.PressAsync("x");
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(notes).ToHaveTextAsync(new Regex("^C4 quarter.*C5 quarter.*rest, eighth.*C4 eighth.*D5 eighth$"));
        await Assertions.Expect(page.GetByTestId("melody-key-74")).ToContainTextAsync("S");
        await page.GetByTestId("melody-undo").ClickAsync();
        await Assertions.Expect(notes.GetByTestId("melody-note")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("melody-summary")).ToHaveTextAsync("3 note(s), 1 bar(s)");
        await page.GetByTestId("melody-clear").ClickAsync();
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-notes", "0");
        Assert.True(await page.GetByTestId("harmonise").IsDisabledAsync());

        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task A_web_midi_keyboard_enters_notes_once_connected_and_only_note_on_messages_with_velocity_add_them()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        // Chromium's Web MIDI needs a device and a permission prompt, which a headless test has neither of: this page
        // gets a keyboard that behaves as the Web MIDI API specifies (an input map, midimessage events with data and
        // timeStamp, statechange when one is plugged in), driven from the test.
        await page.AddInitScriptAsync("""
            (() => {
                const input = new EventTarget();
                const inputs = new Map();
                const access = { inputs, outputs: new Map(), onstatechange: null };
                window.fakeMidi = {
                    plugIn() { inputs.set("k1", input); access.onstatechange && access.onstatechange({ port: input }); },
                    send(...data) {
                        const message = new Event("midimessage");
                        message.data = new Uint8Array(data);
                        Object.defineProperty(message, "timeStamp", { value: performance.now() });
                        input.dispatchEvent(message);
                    },
                };
                navigator.requestMIDIAccess = () => Promise.resolve(access);
            })();
            """);
        await page.GotoAsync(client.BaseAddress.ToString());

        await page.GetByTestId("melody-midi").ClickAsync();
        await Assertions.Expect(page.GetByTestId("melody-midi-status")).ToContainTextAsync("No MIDI keyboard is connected yet");
        await page.EvaluateAsync("() => window.fakeMidi.plugIn()");
        await Assertions.Expect(page.GetByTestId("melody-midi-status")).ToContainTextAsync("1 MIDI input(s) connected");

        // Note on C4 and E4 (channel 1 and 3), their note offs (one as note on with velocity 0), and a control change.
        await page.EvaluateAsync("""
            () => {
                window.fakeMidi.send(0x90, 60, 100); window.fakeMidi.send(0x80, 60, 0);
                window.fakeMidi.send(0xB0, 64, 127);
                window.fakeMidi.send(0x92, 64, 90); window.fakeMidi.send(0x92, 64, 0);
            }
            """);
        ILocator notes = page.GetByTestId("melody-notes").GetByTestId("melody-note");
        await Assertions.Expect(notes).ToHaveTextAsync(["C4 quarter", "E4 quarter"]);
        Assert.False(await page.GetByTestId("harmonise").IsDisabledAsync());
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Record_mode_counts_in_a_bar_then_places_held_notes_on_the_16th_note_grid()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(client.BaseAddress.ToString());
        await page.GetByText("Record", new() { Exact = true }).ClickAsync();
        Assert.True(await page.GetByTestId("melody-length-quarter").IsDisabledAsync(), "lengths come from the held notes when recording");
        await page.FillAsync("#melody-tempo", "120");
        await page.GetByTestId("melody-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("melody-beat")).ToContainTextAsync("Count-in");
        await Assertions.Expect(page.GetByTestId("melody-beat")).ToContainTextAsync("Recording: bar 1", new() { Timeout = 10_000 });

        // Two notes held for about a quarter (0.5 s at 120 bpm) each: C4 on the computer keyboard, E4 on the screen.
        await page.Keyboard.DownAsync("a");
        await page.WaitForTimeoutAsync(500);
        await page.Keyboard.UpAsync("a");
        await page.GetByTestId("melody-key-64").HoverAsync();
        await page.Mouse.DownAsync();
        await page.WaitForTimeoutAsync(500);
        await page.Mouse.UpAsync();
        await page.GetByTestId("melody-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("melody-beat")).ToBeEmptyAsync();

        // Where they land depends on this machine's timing; that they are in order, one at a time, on whole 16ths does not.
        ILocator notes = page.GetByTestId("melody-notes").GetByTestId("melody-note");
        await Assertions.Expect(notes).ToHaveCountAsync(2);
        var recorded = new List<(int Pitch, double Start, double Duration)>();
        for (int i = 0; i < 2; i++)
        {
            ILocator note = notes.Nth(i);
            double Read(string value) => double.Parse(value, CultureInfo.InvariantCulture);
            recorded.Add((int.Parse((await note.GetAttributeAsync("data-pitch"))!, CultureInfo.InvariantCulture),
                Read((await note.GetAttributeAsync("data-start"))!), Read((await note.GetAttributeAsync("data-duration"))!)));
        }
        Assert.Equal([60, 64], recorded.Select(n => n.Pitch));
        Assert.All(recorded, n => Assert.True(n.Start * 4 % 1 == 0 && n.Duration * 4 % 1 == 0 && n.Duration > 0, $"{n} is off the 16th-note grid"));
        Assert.True(recorded[0].Start + recorded[0].Duration <= recorded[1].Start, $"{recorded[0]} overlaps {recorded[1]}");
        Assert.False(await page.GetByTestId("harmonise").IsDisabledAsync());
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Bars_chosen_on_a_chorales_piano_roll_are_regenerated_into_a_new_piece_watched_in_the_studio()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;

        // Only four-part pieces offer regeneration.
        await page.GotoAsync(new Uri(client.BaseAddress, $"/pieces/{AccompanimentId}").ToString());
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("regenerate-section")).ToBeHiddenAsync();

        await page.GotoAsync(new Uri(client.BaseAddress, $"/pieces/{ChoraleId}").ToString());
        await Assertions.Expect(page.GetByTestId("regenerate-section")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });

        // Bars the piece does not have: the server's refusal shows beside the button (the one request allowed to fail).
        ILocator selection = page.GetByTestId("bar-selection");
        await Assertions.Expect(selection).ToBeHiddenAsync();
        await page.GetByTestId("regenerate-from").FillAsync("99");
        await page.GetByTestId("regenerate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("regenerate-error")).ToContainTextAsync("fromBar: the piece has bars 1-");
        Assert.All(browser.Errors, e => Assert.True(e.Contains("/regenerations") || e.Contains("status of 400"), e));
        browser.Errors.Clear();

        // Typed bars show on the roll; a drag from bar 2 to the next bar chooses bars 2-3.
        await page.GetByTestId("regenerate-from").FillAsync("2");
        await page.GetByTestId("regenerate-to").FillAsync("2");
        await Assertions.Expect(selection).ToHaveAttributeAsync("data-bars", "2-2");
        await page.GetByTestId("piano-roll").ScrollIntoViewIfNeededAsync();
        LocatorBoundingBoxResult bar2 = (await selection.BoundingBoxAsync())!;
        float y = bar2.Y + bar2.Height / 2;
        await page.Mouse.MoveAsync(bar2.X + bar2.Width / 2, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(bar2.X + bar2.Width * 1.5f, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.GetByTestId("regenerate-from")).ToHaveValueAsync("2");
        await Assertions.Expect(page.GetByTestId("regenerate-to")).ToHaveValueAsync("3");
        await Assertions.Expect(selection).ToHaveAttributeAsync("data-bars", "2-3");
        await Assertions.Expect(page.GetByTestId("regenerate-voice-soprano")).ToBeCheckedAsync();
        await page.GetByTestId("regenerate-section").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("regenerate-selection");

        // Starting the session loads the chorale model first: on a loaded machine that takes longer than Playwright's 5 s default.
        await page.GetByTestId("regenerate").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/\?session=[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("piece-link")).ToBeVisibleAsync(Patient);
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Completed");
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync($"Bars 2-3 of {ChoraleId} rewritten");
        Assert.True(await page.GetByTestId("bar-scores").GetByTestId("bar-score").CountAsync() > 0, "no bar scores shown");
        await Assertions.Expect(page.GetByTestId("form-errors")).ToBeEmptyAsync();
        await browser.ScreenshotAsync("regenerate-studio");

        string href = (await page.GetByTestId("piece-link").GetAttributeAsync("href"))!;
        Assert.StartsWith("/pieces/", href);
        Assert.NotEqual($"/pieces/{ChoraleId}", href);
        await page.GetByTestId("piece-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("piece-title")).ToContainTextAsync("bars 2-3 rewritten");
        ILocator staff = page.GetByTestId("staff-notation");
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-staves-per-system", "4");
        await browser.ScreenshotAsync("regenerated-piece");

        Assert.Empty(browser.Errors);
    }
}
