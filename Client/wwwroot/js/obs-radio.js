// OBS radio (/obs?radio=1): generates pieces one after another and plays them back to back. It keeps one piece in
// hand: playback starts once two pieces are ready, and while a piece plays the one after the next is generated, so a
// generation may take up to two pieces' playing time (a slow one on a busy cluster does not leave silence). Each
// piece's first note is scheduled on the audio clock at the moment the one before ends; a gap, if any, is shown.
// Query: bars (1-64, default 8), temperature, candidates (critic-guided, 1 = off), audio=0 (titles and roll only).
// State for readers of the markup (and the browser test) on the overlay: data-radio-played (pieces started),
// data-radio-piece (the one playing), data-radio-gap (seconds of silence before it), data-radio-lead (seconds it was
// announced as "Next" before it began), data-radio-audio (on/off).
import { api, segment } from "./api.js";
import { hub } from "./hub.js";
import { watchGeneration } from "./generation-watch.js";
import { LiveRoll } from "./live-roll.js";
/* global Tone */

(function () {
    const params = new URLSearchParams(location.search);
    const request = { bars: intParam("bars", 1, 64, 8) };
    if (params.has("temperature")) request.temperature = Number(params.get("temperature"));
    if (params.has("candidates")) request.candidates = intParam("candidates", 1, 64, 1);
    const overlay = document.querySelector("[data-testid=obs-overlay]");
    const roll = new LiveRoll(document.getElementById("obs-roll"), { transparent: true, quarterWidth: 12 });
    const title = document.getElementById("obs-title");
    const scoreText = document.getElementById("obs-score");
    const next = document.getElementById("obs-next");
    const generations = hub("/hubs/generation");
    let synth = null, played = 0;

    function intParam(name, low, high, fallback) {
        const value = parseInt(params.get(name), 10);
        return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : fallback;
    }
    // One clock for scheduling and display: the audio clock when sound plays, else the page's.
    function now() { return synth ? Tone.now() : performance.now() / 1000; }
    function delay(ms) { return new Promise(resolve => setTimeout(resolve, ms)); }
    function until(time) { return delay(Math.max(0, (time - now()) * 1000)); }

    async function startAudio() {
        if (params.get("audio") === "0" || !window.Tone) return;
        try {
            await Tone.start();
            if (Tone.context.state !== "running") return; // the browser wants a click first (OBS does not)
            synth = new Tone.PolySynth(Tone.Synth, { envelope: { attack: 0.01, release: 0.4 } }).toDestination();
            synth.volume.value = -12;
        } catch (e) { synth = null; }
    }

    // Resolves when the session has ended (through the hub, like every live view); rejects unless it completed.
    function finished(id) {
        return new Promise((resolve, reject) => {
            const settle = s => {
                if (s.status === "Running") return;
                if (s.status === "Completed" && s.pieceId) resolve(s.pieceId); else reject(new Error(`generation ${id}: ${s.status}`));
            };
            watchGeneration(generations, id, settle, settle).catch(reject);
        });
    }

    // One piece, generated and stored: its title, notes (quarter notes), end and tempo.
    async function generate() {
        const { id } = await api("/api/generations", { method: "POST", json: request });
        const pieceId = await finished(id);
        const [piece, notes] = await Promise.all([api(`/api/pieces/${segment(pieceId)}`), api(`/api/pieces/${segment(pieceId)}/notes`)]);
        return { id: pieceId, title: piece.title || pieceId, overall: piece.score ? piece.score.overall : null, ...notes };
    }

    // Tries until a piece comes (a busy cluster answers 429 with Retry-After; a failed session is simply replaced).
    async function nextPiece() {
        for (;;) {
            try {
                return await generate();
            } catch (e) {
                await delay((e.retryAfter || 2) * 1000);
            }
        }
    }

    // The piece in hand is the one shown as coming next.
    function announce(piece) {
        next.textContent = `Next: ${piece.title}`;
        piece.announcedAt = now();
    }

    function barOf(piece, start) {
        let bar = 0;
        while (bar + 1 < piece.barStarts.length && piece.barStarts[bar + 1] <= start + 1e-9) bar++;
        return bar;
    }

    // Every note of the piece on the audio clock from `start` (seconds).
    function schedule(piece, start) {
        if (!synth) return;
        for (const n of piece.notes)
            synth.triggerAttackRelease(Tone.Frequency(n.pitch, "midi").toFrequency(), n.duration * piece.secondsPerQuarter,
                start + n.start * piece.secondsPerQuarter, n.velocity / 127);
    }

    function show(piece, start, gap) {
        played++;
        roll.set(piece.notes.map(n => ({ ...n, bar: barOf(piece, n.start) })));
        roll.barScores.clear();
        (piece.barScores || []).forEach((score, bar) => { if (score != null) roll.setBarScore(bar, score); });
        title.textContent = `Now playing: ${piece.title}`;
        scoreText.textContent = piece.overall != null ? `score ${Number(piece.overall).toFixed(0)}` : "";
        overlay.dataset.radioPlayed = String(played);
        overlay.dataset.radioPiece = piece.id;
        overlay.dataset.radioGap = gap.toFixed(2);
        overlay.dataset.radioLead = (start - piece.announcedAt).toFixed(2);
        const playhead = () => {
            if (overlay.dataset.radioPiece !== piece.id) return;
            roll.playhead = Math.max(0, (now() - start) / piece.secondsPerQuarter);
            roll.draw();
            setTimeout(playhead, 200);
        };
        playhead();
    }

    async function run() {
        await startAudio();
        overlay.dataset.radioAudio = synth ? "on" : "off";
        next.textContent = "Next: generating…";
        let piece = await nextPiece(), end = null;
        announce(piece);
        let upcoming = nextPiece();
        await upcoming; // two pieces ready before the first plays: one is always in hand
        for (;;) {
            // Back to back when the piece is ready in time; otherwise as soon as possible, and the gap is shown.
            const soonest = now() + 0.2;
            const start = end !== null && end >= soonest ? end : soonest;
            const gap = end === null ? 0 : start - end;
            schedule(piece, start);
            end = start + piece.end * piece.secondsPerQuarter;
            await until(start);
            show(piece, start, gap);
            next.textContent = "Next: generating…";
            piece = await upcoming; // ready long before this one ends, except when generating falls behind
            announce(piece);
            upcoming = nextPiece(); // the piece after the next is generated while this one plays
        }
    }
    run();
})();
