// The studio's melody entry for a harmonisation: a soprano melody (C4-A5, one note at a time, at most 64 bars of 4/4,
// as the server takes it) played on an on-screen piano, the computer keyboard or a Web MIDI keyboard, and placed on a
// 16th-note grid either step by step (each key appends a note of the chosen length) or recorded in time with a
// metronome. It is shown on a small piano roll and as a list of notes, where a note is selected, moved a semitone or
// removed. API: new MelodyInput(root, { onChange, keyboard }), notes() (pitch, start and duration in quarter notes),
// stop(), listening(). Its controls are the elements under root marked data-melody="...", which every page renders with
// the one partial Pages/Shared/_MelodyInput.cshtml (its model prefixes the ids, so one page can hold more than one input).
// keyboard: "page" (the default) plays the computer keys wherever focus is on the page, for a page with no other
// keyboard; "focus" plays them, and takes MIDI note-ons, only while the input is in use (the last pointer press or
// focus on the page was inside options.area, by default root), for a page where another part plays the same keys;
// the area is marked with the class melody-listening meanwhile.
import { LiveRoll } from "./live-roll.js";
import { isBlackKey, noteName } from "./pitches.js";
/* global Tone */

export const MelodyInput = (() => {
    const lowest = 60, highest = 81;                 // the soprano's range the server checks
    const quartersPerBar = 4, sixteenth = 0.25;
    const maxQuarters = 64 * quartersPerBar;
    // The computer keyboard as a piano: the home row plays the white keys, the row above the black ones (as in many
    // music programs), from the C of the current octave; Z and X move that octave.
    const letters = "awsedftgyhujkolp;'";
    const lowestBase = 60, highestBase = 72;
    const lengthNames = { 0.25: "16th", 0.5: "eighth", 0.75: "dotted eighth", 1: "quarter", 1.5: "dotted quarter", 2: "half", 3: "dotted half", 4: "whole" };
    const lengthName = quarters => lengthNames[quarters] || `${quarters} quarters`;
    const rangeText = "the soprano's range C4-A5 (MIDI 60-81)";
    // Keys typed into a text or number field are the field's, not the piano's.
    const isTyping = target => target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || !!target.isContentEditable
        || (target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset"].includes(target.type));

    // Tone.js voices for the keys, the metronome and playback. Browsers start audio only after a gesture, so the first
    // key or button starts it; where Tone.js or audio is missing, entry works silently.
    class Sound {
        constructor() { this.ready = null; this.keys = null; this.metronome = null; }
        start() {
            if (!window.Tone) return Promise.resolve(false);
            if (!this.ready) {
                this.ready = Tone.start().then(() => {
                    this.keys = new Tone.PolySynth(Tone.Synth, { envelope: { attack: 0.01, release: 0.3 } }).toDestination();
                    this.keys.volume.value = -10;
                    this.metronome = new Tone.Synth({ oscillator: { type: "square" }, envelope: { attack: 0.001, decay: 0.04, sustain: 0, release: 0.02 } }).toDestination();
                    this.metronome.volume.value = -16;
                    return true;
                }, () => false);
            }
            return this.ready;
        }
        static frequency(pitch) { return Tone.Frequency(pitch, "midi").toFrequency(); }
        attack(pitch) { this.start().then(ok => { if (ok) this.keys.triggerAttack(Sound.frequency(pitch)); }); }
        release(pitch) { this.start().then(ok => { if (ok) this.keys.triggerRelease(Sound.frequency(pitch)); }); }
        note(pitch, seconds, inSeconds) { if (this.keys) this.keys.triggerAttackRelease(Sound.frequency(pitch), seconds, Tone.now() + Math.max(0, inSeconds)); }
        click(inSeconds, downbeat) { if (this.metronome) this.metronome.triggerAttackRelease(downbeat ? 1568 : 1047, 0.03, Tone.now() + Math.max(0, inSeconds)); }
        silence() { if (this.keys) this.keys.releaseAll(); }
    }

    class MelodyInput {
        constructor(root, options) {
            const part = name => root.querySelector(`[data-melody="${name}"]`);
            this.ui = {
                piano: part("piano"), roll: part("roll"), list: part("list"), hint: part("hint"), summary: part("summary"),
                modes: [...root.querySelectorAll('[data-melody="mode"]')], lengths: [...root.querySelectorAll('[data-melody="length"]')],
                rest: part("rest"), tempo: part("tempo"), record: part("record"), beat: part("beat"),
                up: part("up"), down: part("down"), remove: part("remove"), undo: part("undo"), clear: part("clear"), play: part("play"),
                midi: part("midi"), midiStatus: part("midi-status"),
            };
            this.root = root;
            this.onChange = (options && options.onChange) || (() => { });
            this.keyboardScope = (options && options.keyboard) || "page";
            this.active = this.keyboardScope === "page";
            // Notes and rests in the order entered ({ kind: "note" | "rest", pitch, start, duration }): Undo takes the last.
            this.entries = [];
            this.selected = null;
            this.sounding = new Set();         // pitches held down, from any source
            this.typedKeys = new Map();        // computer key -> the pitch it started, so an octave change cannot strand it
            this.keyboardBase = lowestBase;
            this.sound = new Sound();
            this.recording = null;
            this.playing = null;
            this.roll = new LiveRoll(this.ui.roll, { pitchRange: { low: lowest, high: highest }, quarterWidth: 36 });
            this.buildPiano();
            this.bindControls();
            this.bindComputerKeyboard(options);
            this.bindMidi();
            this.render();
        }

        // ---- The melody as the server takes it.
        notes() { return this.noteEntries().map(n => ({ pitch: n.pitch, start: n.start, duration: n.duration })); }
        noteEntries() { return this.entries.filter(e => e.kind === "note").sort((a, b) => a.start - b.start); }
        end() { return this.entries.reduce((end, e) => Math.max(end, e.start + e.duration), 0); }
        stop() { this.stopRecording(); this.stopPlayback(); }
        // Whether the computer keys and MIDI note-ons are this input's now (always, unless keyboard is "focus").
        listening() { return this.active; }

        // ---- Input: every source (mouse or touch, computer keys, MIDI) presses and releases pitches.
        press(pitch, atMilliseconds = performance.now()) {
            if (pitch < lowest || pitch > highest) {
                this.hint(`${noteName(pitch)} is outside ${rangeText}; it was not entered.`, true);
                return;
            }
            if (this.sounding.has(pitch)) return;
            this.sounding.add(pitch);
            this.keyOf(pitch).classList.add("down");
            this.sound.attack(pitch);
            if (this.mode() === "step") this.appendStep({ kind: "note", pitch });
            else if (this.recording) this.recordPress(pitch, atMilliseconds / 1000);
            else this.hint("Press Record to record in time with the metronome, or choose Step entry.");
        }
        release(pitch, atMilliseconds = performance.now()) {
            if (!this.sounding.delete(pitch)) return;
            this.keyOf(pitch).classList.remove("down");
            this.sound.release(pitch);
            if (this.recording) this.recordRelease(pitch, atMilliseconds / 1000);
        }

        buildPiano() {
            for (let pitch = lowest; pitch <= highest; pitch++) {
                const key = document.createElement("button");
                key.type = "button";
                key.className = `melody-key ${isBlackKey(pitch) ? "black" : "white"}`;
                key.dataset.pitch = String(pitch);
                key.dataset.testid = `melody-key-${pitch}`;
                const letter = Object.assign(document.createElement("span"), { className: "melody-key-letter" });
                const name = Object.assign(document.createElement("span"), { className: "melody-key-name", textContent: noteName(pitch) });
                key.append(letter, name);
                key.addEventListener("pointerdown", e => {
                    if (e.button !== 0) return;
                    // Captured, the release arrives here even when the pointer slides off the key.
                    key.setPointerCapture(e.pointerId);
                    this.press(pitch, e.timeStamp);
                });
                key.addEventListener("pointerup", e => this.release(pitch, e.timeStamp));
                key.addEventListener("pointercancel", e => this.release(pitch, e.timeStamp));
                // Enter or Space on a focused key (a click with no pointer behind it).
                key.addEventListener("click", e => { if (e.detail === 0) { this.press(pitch); this.release(pitch); } });
                key.addEventListener("contextmenu", e => e.preventDefault());
                this.ui.piano.append(key);
            }
            this.labelKeys();
        }
        keyOf(pitch) { return this.ui.piano.querySelector(`[data-pitch="${pitch}"]`); }
        labelKeys() {
            for (const key of this.ui.piano.children) {
                const pitch = Number(key.dataset.pitch), letter = letters[pitch - this.keyboardBase];
                key.querySelector(".melody-key-letter").textContent = letter ? letter.toUpperCase() : "";
                key.setAttribute("aria-label", letter ? `${noteName(pitch)} (key ${letter.toUpperCase()})` : noteName(pitch));
            }
        }

        bindComputerKeyboard(options) {
            if (this.keyboardScope === "focus") {
                // Captured, so a press anywhere is seen before the page's own handlers run.
                const area = (options && options.area) || this.root;
                const follow = e => this.setActive(e.target instanceof Node && area.contains(e.target), area);
                document.addEventListener("pointerdown", follow, true);
                document.addEventListener("focusin", follow, true);
            }
            document.addEventListener("keydown", e => {
                if (!this.active) return;
                if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
                if (this.selected && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
                    e.preventDefault();
                    this.moveSelected(e.key === "ArrowUp" ? 1 : -1);
                    return;
                }
                if (this.selected && (e.key === "Delete" || e.key === "Backspace")) {
                    e.preventDefault();
                    this.removeSelected();
                    return;
                }
                if (e.key === "Escape" && this.selected) { this.select(null); return; }
                const key = e.key.toLowerCase();
                if (key === "z" || key === "x") {
                    if (!e.repeat) this.shiftKeyboard(key === "x" ? 12 : -12);
                    return;
                }
                const index = letters.indexOf(key);
                if (index < 0 || key.length !== 1) return;
                e.preventDefault();
                if (e.repeat || this.typedKeys.has(key)) return;
                const pitch = this.keyboardBase + index;
                this.typedKeys.set(key, pitch);
                this.press(pitch, e.timeStamp);
            });
            document.addEventListener("keyup", e => {
                const key = e.key.toLowerCase();
                if (!this.typedKeys.has(key)) return;
                this.release(this.typedKeys.get(key), e.timeStamp);
                this.typedKeys.delete(key);
            });
        }
        // In "focus" mode: the input comes into use or goes out of it; keys still held are let go, not stranded.
        setActive(active, area) {
            if (active === this.active) return;
            this.active = active;
            area.classList.toggle("melody-listening", active);
            if (!active) {
                for (const pitch of this.typedKeys.values()) this.release(pitch);
                this.typedKeys.clear();
            }
        }
        shiftKeyboard(semitones) {
            this.keyboardBase = Math.min(highestBase, Math.max(lowestBase, this.keyboardBase + semitones));
            this.labelKeys();
            this.hint(`The computer keys now play from ${noteName(this.keyboardBase)}.`);
        }

        // Web MIDI is asked for on a click (browsers ask the listener's permission), and only where it exists.
        bindMidi() {
            const { midi, midiStatus } = this.ui;
            if (!navigator.requestMIDIAccess) {
                midi.hidden = true;
                midiStatus.textContent = "This browser has no Web MIDI: use the keys above or the computer keyboard.";
                return;
            }
            midi.addEventListener("click", async () => {
                midi.disabled = true;
                try {
                    const access = await navigator.requestMIDIAccess();
                    // A listener added (one function, so a reconnection does not add it twice), not onmidimessage set:
                    // another part of the page may listen to the same keyboard.
                    const listener = m => this.midiMessage(m);
                    const connect = () => {
                        let inputs = 0;
                        for (const input of access.inputs.values()) { inputs++; input.addEventListener("midimessage", listener); }
                        midiStatus.textContent = inputs > 0 ? `${inputs} MIDI input(s) connected: play.` : "No MIDI keyboard is connected yet; plug one in.";
                    };
                    access.onstatechange = connect;
                    connect();
                } catch (error) {
                    midiStatus.textContent = "Web MIDI was not allowed here.";
                    midi.disabled = false;
                }
            });
        }
        midiMessage(message) {
            const [status, pitch, velocity] = message.data;
            const kind = status & 0xf0;
            if (kind === 0x90 && velocity > 0) { if (this.active) this.press(pitch, message.timeStamp); }
            else if (kind === 0x80 || (kind === 0x90 && velocity === 0)) this.release(pitch, message.timeStamp);
        }

        // ---- Step entry: notes and rests of the chosen length, one after another.
        mode() { const checked = this.ui.modes.find(m => m.checked); return checked ? checked.value : "step"; }
        stepLength() { const checked = this.ui.lengths.find(l => l.checked); return checked ? Number(checked.value) : 1; }
        appendStep(entry) {
            const start = this.end(), duration = this.stepLength();
            if (start + duration > maxQuarters) { this.hint(`A melody may be at most ${maxQuarters / quartersPerBar} bars long.`, true); return; }
            this.entries.push({ ...entry, start, duration });
            this.selected = null;
            this.hint("");
            this.render();
        }

        // ---- Editing.
        select(note) { this.selected = note; this.render(); }
        moveSelected(semitones) {
            const note = this.selected;
            const pitch = Math.min(highest, Math.max(lowest, note.pitch + semitones));
            if (pitch === note.pitch) { this.hint(`${noteName(pitch)} is the edge of ${rangeText}.`, true); return; }
            note.pitch = pitch;
            this.sound.start().then(ok => { if (ok) this.sound.note(pitch, 0.25, 0); });
            this.render();
        }
        removeSelected() {
            if (!this.selected) return;
            this.entries = this.entries.filter(e => e !== this.selected);
            this.selected = null;
            this.render();
        }
        undo() {
            const last = this.entries.pop();
            if (last === this.selected) this.selected = null;
            this.render();
        }
        clear() {
            this.stop();
            this.entries = [];
            this.selected = null;
            this.hint("");
            this.render();
        }

        // ---- Recording: a one-bar count-in, then presses land on the nearest 16th at the tempo and held notes keep
        // their length. Recording starts at the first bar line after what is already entered.
        tempo() {
            const bpm = Number(this.ui.tempo.value);
            return Number.isFinite(bpm) && bpm >= 30 && bpm <= 240 ? bpm : 90;
        }
        async startRecording() {
            this.stopPlayback();
            const from = Math.ceil(this.end() / quartersPerBar) * quartersPerBar;
            if (from >= maxQuarters) { this.hint(`A melody may be at most ${maxQuarters / quartersPerBar} bars long.`, true); return; }
            await this.sound.start();
            const secondsPerQuarter = 60 / this.tempo();
            const countIn = performance.now() / 1000 + 0.2;
            this.recording = { from, secondsPerQuarter, zero: countIn + quartersPerBar * secondsPerQuarter, nextBeat: -quartersPerBar, held: null, last: null };
            this.recording.timer = setInterval(() => this.tick(), 25);
            this.hint("");
            this.render();
        }
        stopRecording() {
            const recording = this.recording;
            if (!recording) return;
            clearInterval(recording.timer);
            if (recording.held) this.endHeldNote(recording.held, this.position(performance.now() / 1000));
            this.recording = null;
            this.ui.beat.textContent = "";
            this.render();
        }
        // Where a moment (performance clock, seconds) falls in the melody, in quarter notes on the 16th-note grid.
        position(seconds) {
            const r = this.recording;
            return r.from + Math.round((seconds - r.zero) / r.secondsPerQuarter / sixteenth) * sixteenth;
        }
        tick() {
            const r = this.recording, now = performance.now() / 1000;
            // The clicks due within the next 0.1 s go to the audio clock, which keeps time better than a timer.
            while (r.zero + r.nextBeat * r.secondsPerQuarter < now + 0.1) {
                this.sound.click(r.zero + r.nextBeat * r.secondsPerQuarter - now, r.nextBeat % quartersPerBar === 0);
                r.nextBeat++;
            }
            const beat = Math.floor((now - r.zero) / r.secondsPerQuarter);
            this.ui.beat.textContent = beat < 0 ? `Count-in ${beat + quartersPerBar + 1}`
                : `Recording: bar ${Math.floor((r.from + beat) / quartersPerBar) + 1}, beat ${beat % quartersPerBar + 1}`;
            if (r.held) {
                // A held note grows on the roll as it sounds.
                const duration = Math.max(sixteenth, this.position(now) - r.held.start);
                if (duration !== r.held.duration) { r.held.duration = duration; this.roll.draw(); }
            }
            if (this.position(now) >= maxQuarters) this.stopRecording();
        }
        recordPress(pitch, seconds) {
            const r = this.recording, start = this.position(seconds);
            if (start < r.from) { this.hint("The count-in is not recorded: come in on the first beat after it."); return; }
            if (start >= maxQuarters) return;
            // One note at a time: a new note ends the one before it (still held, or held to the next 16th), and takes
            // its place if both fell on one 16th.
            if (r.held) this.endHeldNote(r.held, start);
            else if (r.last && r.last.start + r.last.duration > start) this.endHeldNote(r.last, start);
            const note = { kind: "note", pitch, start, duration: sixteenth };
            this.entries.push(note);
            r.held = r.last = note;
            this.render();
        }
        recordRelease(pitch, seconds) {
            const r = this.recording;
            if (!r.held || r.held.pitch !== pitch) return;
            this.endHeldNote(r.held, this.position(seconds));
            this.render();
        }
        endHeldNote(note, at) {
            const r = this.recording;
            if (r.held === note) r.held = null;
            if (at <= note.start) {
                this.entries = this.entries.filter(e => e !== note);
                if (r.last === note) r.last = null;
                return;
            }
            note.duration = Math.min(Math.max(sixteenth, at - note.start), maxQuarters - note.start);
        }

        // ---- Playback at the tempo, with a playhead on the roll.
        async startPlayback() {
            const notes = this.noteEntries();
            if (notes.length === 0) return;
            this.stopRecording();
            await this.sound.start();
            const secondsPerQuarter = 60 / this.tempo(), begin = performance.now() / 1000 + 0.15, end = this.end();
            let next = 0;
            this.playing = setInterval(() => {
                const now = performance.now() / 1000;
                while (next < notes.length && begin + notes[next].start * secondsPerQuarter < now + 0.1) {
                    const n = notes[next++];
                    this.sound.note(n.pitch, n.duration * secondsPerQuarter, begin + n.start * secondsPerQuarter - now);
                }
                this.roll.playhead = Math.max(0, (now - begin) / secondsPerQuarter);
                this.roll.draw();
                if (this.roll.playhead > end) this.stopPlayback();
            }, 25);
            this.render();
        }
        stopPlayback() {
            if (this.playing === null) return;
            clearInterval(this.playing);
            this.playing = null;
            this.sound.silence();
            this.roll.playhead = null;
            this.render();
        }

        bindControls() {
            const ui = this.ui;
            ui.roll.addEventListener("pointerdown", e => {
                const box = ui.roll.getBoundingClientRect();
                const x = (e.clientX - box.left) * ui.roll.width / box.width, y = (e.clientY - box.top) * ui.roll.height / box.height;
                const note = this.roll.noteAt(x, y);
                this.select(note === this.selected ? null : note);
            });
            ui.rest.addEventListener("click", () => this.appendStep({ kind: "rest" }));
            ui.up.addEventListener("click", () => { if (this.selected) this.moveSelected(1); });
            ui.down.addEventListener("click", () => { if (this.selected) this.moveSelected(-1); });
            ui.remove.addEventListener("click", () => this.removeSelected());
            ui.undo.addEventListener("click", () => this.undo());
            ui.clear.addEventListener("click", () => this.clear());
            ui.play.addEventListener("click", () => this.playing === null ? this.startPlayback() : this.stopPlayback());
            ui.record.addEventListener("click", () => this.recording ? this.stopRecording() : this.startRecording());
            for (const mode of ui.modes) mode.addEventListener("change", () => { this.stop(); this.hint(""); this.render(); });
        }

        hint(text, warning) {
            this.ui.hint.textContent = text;
            this.ui.hint.classList.toggle("text-danger", !!warning);
            this.ui.hint.classList.toggle("text-body-secondary", !warning);
        }

        render() {
            const ui = this.ui, notes = this.noteEntries(), stepping = this.mode() === "step";
            this.roll.selected = this.selected;
            this.roll.cursor = stepping ? this.end() : null;
            this.roll.set(notes);
            ui.roll.dataset.selected = this.selected ? String(notes.indexOf(this.selected)) : "";
            this.renderList();
            const bars = Math.ceil(this.end() / quartersPerBar);
            ui.summary.textContent = notes.length === 0 ? "No notes yet" : `${notes.length} note(s), ${bars} bar(s)`;
            for (const length of ui.lengths) length.disabled = !stepping;
            ui.rest.disabled = !stepping;
            ui.record.disabled = stepping;
            ui.record.textContent = this.recording ? "■ Stop" : "● Record";
            ui.record.setAttribute("aria-pressed", String(!!this.recording));
            for (const mode of ui.modes) mode.disabled = !!this.recording;
            ui.up.disabled = ui.down.disabled = ui.remove.disabled = !this.selected;
            ui.undo.disabled = ui.clear.disabled = this.entries.length === 0;
            ui.play.disabled = notes.length === 0;
            ui.play.textContent = this.playing === null ? "▶ Play" : "■ Stop";
            this.onChange(notes.length);
        }
        // The melody in words, note by note (the canvas cannot be read aloud); a note here selects like one on the roll.
        renderList() {
            const items = this.entries.slice().sort((a, b) => a.start - b.start).map(entry => {
                if (entry.kind === "rest") {
                    return Object.assign(document.createElement("span"), { className: "melody-rest", textContent: `rest, ${lengthName(entry.duration)}` });
                }
                const item = Object.assign(document.createElement("button"), {
                    type: "button", className: `melody-note btn btn-sm ${entry === this.selected ? "btn-warning" : "btn-outline-secondary"}`,
                    textContent: `${noteName(entry.pitch)} ${lengthName(entry.duration)}`,
                });
                item.dataset.testid = "melody-note";
                Object.assign(item.dataset, { pitch: String(entry.pitch), start: String(entry.start), duration: String(entry.duration) });
                item.setAttribute("aria-pressed", String(entry === this.selected));
                item.addEventListener("click", () => this.select(entry === this.selected ? null : entry));
                return item;
            });
            this.ui.list.replaceChildren(...items);
        }
    }
    return MelodyInput;
})();
