import { api } from "./api.js";
import { LiveRoll } from "./live-roll.js";
import { MelodyInput } from "./melody-input.js";
import { isBlackKey } from "./pitches.js";
import { appendBarScore } from "./score-colour.js";
/* global Midi, Tone */

(function () {
    // ---- Upload: score a file, then reveal its bars one by one.
    const uploadForm = document.getElementById("upload-form");
    const uploadRoll = new LiveRoll(document.getElementById("upload-roll"));
    const uploadBars = document.getElementById("upload-bars");
    const uploadError = document.getElementById("upload-error");
    const uploadOverall = document.getElementById("upload-overall");

    function score(blob, name) {
        const data = new FormData();
        data.append("file", blob, name);
        return api("/api/score", { method: "POST", body: data });
    }
    function notesOf(bytes) {
        try {
            const midi = new Midi(bytes);
            const spq = 60 / (midi.header.tempos.length ? midi.header.tempos[0].bpm : 120);
            return midi.tracks.flatMap(t => t.notes.map(n => ({ start: n.time / spq, duration: n.duration / spq, pitch: n.midi, velocity: Math.round(n.velocity * 127), bar: Math.floor(n.time / spq / 4) })));
        } catch (e) { return []; }
    }
    uploadForm.addEventListener("submit", async e => {
        e.preventDefault();
        uploadError.textContent = ""; uploadOverall.textContent = ""; uploadBars.replaceChildren(); uploadRoll.clear();
        const input = document.getElementById("midi-file");
        if (!input.files || input.files.length === 0) { uploadError.textContent = "Choose a MIDI file first."; return; }
        const file = input.files[0];
        const bytes = new Uint8Array(await file.arrayBuffer());
        try {
            const result = await score(file, file.name);
            uploadRoll.add(notesOf(bytes));
            for (let bar = 0; bar < result.bars.length; bar++) {
                // Bar by bar, as if listening through the piece.
                await new Promise(r => setTimeout(r, 120));
                uploadRoll.setBarScore(bar, result.bars[bar]);
                appendBarScore(uploadBars, bar, result.bars[bar]);
            }
            uploadOverall.textContent = `Overall ${result.overall.toFixed(1)} · model ${result.modelId}/${result.checkpointId}`;
        } catch (err) { uploadError.textContent = err.message; }
    });

    // ---- Harmonise a melody: the studio's melody input (melody-input.js) built into its card; Harmonise posts the
    // melody and hands the session to the studio (/?session=<id>), which watches it arrive.
    // Both this input and the Play piano below take the computer keys (A, W, S, ... and Z / X) and MIDI note-ons. Only
    // one may react to a press, and which one should follow what the listener is doing, not a toggle to remember: the
    // melody input listens while its card is in use (the last click or focus on the page was inside it; keyboard:
    // "focus"), and the Play piano otherwise, so the page behaves as before until the melody card is clicked, and
    // clicking the Play card's keys hands the keyboard back.
    const melodyCard = document.getElementById("melody-card");
    const harmoniseForm = document.getElementById("evaluate-harmonise-form");
    const harmoniseButton = document.getElementById("evaluate-harmonise");
    const harmoniseError = document.getElementById("evaluate-harmonise-error");
    let harmonising = false, melodyNotes = 0;
    const updateHarmonise = () => { harmoniseButton.disabled = harmonising || melodyNotes === 0; };
    const melody = new MelodyInput(document.getElementById("evaluate-melody"), {
        keyboard: "focus", area: melodyCard,
        onChange: count => { melodyNotes = count; updateHarmonise(); },
    });
    const optional = (name, parse) => { const v = harmoniseForm.elements[name].value.trim(); return v === "" ? null : parse(v); };
    harmoniseForm.addEventListener("submit", async e => {
        e.preventDefault();
        melody.stop();
        harmoniseError.textContent = "";
        harmonising = true; updateHarmonise();
        try {
            const started = await api("/api/harmonisations", {
                method: "POST",
                json: {
                    melodyNotes: melody.notes(),
                    temperature: optional("temperature", parseFloat),
                    seed: optional("seed", v => parseInt(v, 10)),
                    candidates: optional("candidates", v => parseInt(v, 10)),
                },
            });
            location.assign(`/?session=${encodeURIComponent(started.id)}`);
            return;
        } catch (err) {
            // A refused melody: each field with its messages; or why the request was not sent.
            harmoniseError.textContent = err.message;
        }
        harmonising = false; updateHarmonise();
    });

    // ---- Playing: on-screen piano, computer keyboard, Web MIDI; scored every few seconds.
    const piano = document.getElementById("piano");
    const playedRoll = new LiveRoll(document.getElementById("played-roll"));
    const playedBars = document.getElementById("played-bars");
    const playedCount = document.getElementById("played-count");
    const playedOverall = document.getElementById("played-overall");
    const playedError = document.getElementById("played-error");
    const keys = "awsedftgyhujk";
    let octave = 4, origin = null, played = [], sounding = new Map(), synth = null, dirty = false, scoring = false;
    const secondsPerQuarter = 0.5;

    for (let i = 0; i < 25; i++) {
        const pitch = 60 + i, black = isBlackKey(pitch);
        const key = document.createElement("div");
        key.className = "key" + (black ? " black" : "");
        key.dataset.pitch = String(pitch);
        key.dataset.testid = "piano-key";
        key.title = window.Tone ? Tone.Frequency(pitch, "midi").toNote() : String(pitch);
        key.addEventListener("mousedown", () => noteOn(pitch, 96));
        key.addEventListener("mouseup", () => noteOff(pitch));
        key.addEventListener("mouseleave", () => { if (sounding.has(pitch)) noteOff(pitch); });
        piano.appendChild(key);
    }
    async function ensureSynth() {
        if (synth || !window.Tone) return;
        try { await Tone.start(); synth = new Tone.PolySynth(Tone.Synth).toDestination(); synth.volume.value = -10; } catch (e) { synth = null; }
    }
    function keyOf(pitch) { return piano.querySelector(`[data-pitch="${pitch}"]`); }
    function noteOn(pitch, velocity) {
        if (sounding.has(pitch)) return;
        ensureSynth().then(() => { if (synth) synth.triggerAttack(Tone.Frequency(pitch, "midi").toFrequency(), undefined, velocity / 127); });
        const now = performance.now() / 1000;
        if (origin === null) origin = now;
        sounding.set(pitch, { start: now - origin, velocity });
        const k = keyOf(pitch); if (k) k.classList.add("down");
    }
    function noteOff(pitch) {
        const on = sounding.get(pitch);
        if (!on) return;
        sounding.delete(pitch);
        if (synth) synth.triggerRelease(Tone.Frequency(pitch, "midi").toFrequency());
        const k = keyOf(pitch); if (k) k.classList.remove("down");
        const end = performance.now() / 1000 - origin;
        const note = { pitch, velocity: on.velocity, time: on.start, duration: Math.max(0.1, end - on.start) };
        played.push(note);
        playedRoll.add([{ start: note.time / secondsPerQuarter, duration: note.duration / secondsPerQuarter, pitch, velocity: on.velocity, bar: Math.floor(note.time / secondsPerQuarter / 4) }]);
        playedCount.textContent = `${played.length} notes played`;
        dirty = true;
    }
    document.addEventListener("keydown", e => {
        if (e.repeat || e.target instanceof HTMLInputElement || melody.listening()) return;
        const k = e.key.toLowerCase();
        if (k === "z") { octave = Math.max(1, octave - 1); return; }
        if (k === "x") { octave = Math.min(7, octave + 1); return; }
        const i = keys.indexOf(k);
        if (i >= 0) noteOn((octave + 1) * 12 + i, 96);
    });
    document.addEventListener("keyup", e => {
        const i = keys.indexOf(e.key.toLowerCase());
        if (i >= 0) noteOff((octave + 1) * 12 + i);
    });
    document.getElementById("clear-playing").addEventListener("click", () => {
        played = []; origin = null; dirty = false; playedRoll.clear(); playedBars.replaceChildren();
        playedCount.textContent = "0 notes played"; playedOverall.textContent = "";
    });
    const midiStatus = document.getElementById("midi-input-status");
    if (navigator.requestMIDIAccess) {
        navigator.requestMIDIAccess().then(access => {
            const connect = () => {
                let count = 0;
                for (const input of access.inputs.values()) {
                    count++;
                    input.onmidimessage = m => {
                        const [status, pitch, velocity] = m.data;
                        const kind = status & 0xf0;
                        if (kind === 0x90 && velocity > 0) { if (!melody.listening()) noteOn(pitch, velocity); }
                        else if (kind === 0x80 || (kind === 0x90 && velocity === 0)) noteOff(pitch);
                    };
                }
                midiStatus.textContent = count > 0 ? `${count} MIDI input(s) connected.` : "No MIDI keyboard connected.";
            };
            access.onstatechange = connect;
            connect();
        }, () => { midiStatus.textContent = "Web MIDI is not allowed here."; });
    } else {
        midiStatus.textContent = "This browser has no Web MIDI.";
    }
    // Every 2 s, when something new was played, score everything played so far.
    setInterval(async () => {
        if (!dirty || scoring || played.length === 0) return;
        dirty = false; scoring = true;
        try {
            const midi = new Midi();
            midi.header.setTempo(60 / secondsPerQuarter);
            const track = midi.addTrack();
            for (const n of played) track.addNote({ midi: n.pitch, time: n.time, duration: n.duration, velocity: n.velocity / 127 });
            const result = await score(new Blob([midi.toArray()], { type: "audio/midi" }), "played.mid");
            playedBars.replaceChildren();
            result.bars.forEach((s, bar) => { appendBarScore(playedBars, bar, s); playedRoll.setBarScore(bar, s); });
            playedOverall.textContent = `Overall ${result.overall.toFixed(1)}`;
            playedError.textContent = "";
        } catch (err) { playedError.textContent = err.message; }
        finally { scoring = false; }
    }, 2000);
})();
