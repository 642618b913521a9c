// A canvas piano roll that grows as notes arrive. Notes: { start, duration, pitch, velocity, bar } in quarter notes.
// Bar scores (0-100) colour a strip under each bar (score-colour.js). (The piece page draws a whole piece: piano-roll.js.)
"use strict";
window.PianoRoll = class PianoRoll {
    constructor(canvas, options) {
        this.canvas = canvas;
        this.notes = [];
        this.barScores = new Map();
        this.quarterWidth = (options && options.quarterWidth) || 24;
        this.quartersPerBar = (options && options.quartersPerBar) || 4;
        this.transparent = !!(options && options.transparent);
        this.draw();
    }
    clear() { this.notes = []; this.barScores.clear(); this.draw(); }
    add(notes) { for (const n of notes) this.notes.push(n); this.draw(); }
    setBarScore(bar, score) { this.barScores.set(bar, score); this.draw(); }
    draw() {
        const c = this.canvas, ctx = c.getContext("2d");
        c.dataset.notes = String(this.notes.length);
        const end = this.notes.reduce((m, n) => Math.max(m, n.start + n.duration), 0);
        const bars = Math.max(4, Math.ceil(end / this.quartersPerBar), this.barScores.size);
        const width = Math.max(c.parentElement ? c.parentElement.clientWidth : 600, bars * this.quartersPerBar * this.quarterWidth + 2);
        if (c.width !== width) c.width = width;
        const pitches = this.notes.map(n => n.pitch);
        const low = Math.min(48, ...pitches) - 1, high = Math.max(84, ...pitches) + 1;
        const strip = 14, rowHeight = (c.height - strip) / (high - low + 1);
        ctx.clearRect(0, 0, c.width, c.height);
        if (!this.transparent) { ctx.fillStyle = "#fbfbfd"; ctx.fillRect(0, 0, c.width, c.height); }
        ctx.strokeStyle = "rgba(120,120,140,0.35)";
        for (let b = 0; b <= bars; b++) {
            const x = b * this.quartersPerBar * this.quarterWidth + 0.5;
            ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, c.height); ctx.stroke();
        }
        for (const [bar, score] of this.barScores) {
            ctx.fillStyle = scoreColour(score);
            ctx.fillRect(bar * this.quartersPerBar * this.quarterWidth + 1, c.height - strip, this.quartersPerBar * this.quarterWidth - 2, strip - 2);
        }
        for (const n of this.notes) {
            ctx.fillStyle = this.barScores.has(n.bar) ? scoreColour(this.barScores.get(n.bar)) : "#3b5bdb";
            const y = (high - n.pitch) * rowHeight;
            ctx.fillRect(n.start * this.quarterWidth, y, Math.max(2, n.duration * this.quarterWidth - 1), Math.max(2, rowHeight - 1));
        }
    }
};

// Plays notes through Tone.js as they arrive, each at its time from the first note (quarter = 0.5 s at 120 bpm).
window.LivePlayer = class LivePlayer {
    constructor() { this.synth = null; this.origin = null; this.secondsPerQuarter = 0.5; }
    async start() {
        if (!window.Tone) return;
        try {
            await Tone.start();
            this.synth = new Tone.PolySynth(Tone.Synth, { envelope: { attack: 0.01, release: 0.4 } }).toDestination();
            this.synth.volume.value = -12;
        } catch (e) { this.synth = null; }
        this.origin = null;
    }
    play(notes) {
        if (!this.synth) return;
        const now = Tone.now();
        if (this.origin === null) this.origin = now + 0.3;
        for (const n of notes) {
            const at = Math.max(now + 0.05, this.origin + n.start * this.secondsPerQuarter);
            this.synth.triggerAttackRelease(Tone.Frequency(n.pitch, "midi").toFrequency(), n.duration * this.secondsPerQuarter, at, n.velocity / 127);
        }
    }
    stop() { if (this.synth) { this.synth.releaseAll(); } }
};

// Watches one session through the SignalR hub: onSnapshot(snapshot) once, then onUpdate(update) for each update.
window.watchGeneration = async function (connection, sessionId, onSnapshot, onUpdate) {
    connection.off("update");
    connection.on("update", u => { if (u.sessionId === sessionId) onUpdate(u); });
    if (connection.state !== "Connected") await connection.start();
    const snapshot = await connection.invoke("Watch", sessionId);
    if (snapshot) onSnapshot(snapshot);
};
