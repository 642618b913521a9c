// A canvas piano roll that grows as notes arrive. Notes: { start, duration, pitch, velocity, bar } in quarter notes.
// Bar scores (0-100) colour a strip under each bar (score-colour.js). The studio, the evaluation room and the OBS
// overlay draw with it; the piece page draws a whole piece fitted to its canvas: piece-roll.js.
// Options: quarterWidth (px), quartersPerBar, transparent, pitchRange { low, high } (a fixed range of rows, e.g. a
// voice's range, instead of one that widens with the notes), minBars (bars drawn before any note arrives).
import { isBlackKey } from "./pitches.js";
import { scoreColour } from "./score-colour.js";

export class LiveRoll {
    constructor(canvas, options) {
        this.canvas = canvas;
        this.notes = [];
        this.barScores = new Map();
        this.quarterWidth = (options && options.quarterWidth) || 24;
        this.quartersPerBar = (options && options.quartersPerBar) || 4;
        this.transparent = !!(options && options.transparent);
        this.pitchRange = (options && options.pitchRange) || null;
        this.minBars = (options && options.minBars) || 4;
        // An editor's marks: the note it has selected (drawn highlighted) and where the next note goes (a dashed line).
        this.selected = null;
        this.cursor = null;
        this.playhead = null;
        this.draw();
    }
    clear() { this.notes = []; this.barScores.clear(); this.draw(); }
    add(notes) { for (const n of notes) this.notes.push(n); this.draw(); }
    set(notes) { this.notes = notes.slice(); this.draw(); }
    setBarScore(bar, score) { this.barScores.set(bar, score); this.draw(); }

    // The pitch rows: fixed when a range was given; else at least C3-C6, wider when the notes go further.
    rows() {
        if (this.pitchRange) return { low: this.pitchRange.low, high: this.pitchRange.high };
        const pitches = this.notes.map(n => n.pitch);
        return { low: Math.min(48, ...pitches) - 1, high: Math.max(84, ...pitches) + 1 };
    }
    stripHeight() { return 14; }
    rowHeight() { const { low, high } = this.rows(); return (this.canvas.height - this.stripHeight()) / (high - low + 1); }
    noteBox(n) {
        const { high } = this.rows(), rowHeight = this.rowHeight();
        return { x: n.start * this.quarterWidth, y: (high - n.pitch) * rowHeight,
            width: Math.max(2, n.duration * this.quarterWidth - 1), height: Math.max(2, rowHeight - 1) };
    }
    // The note drawn under a point of the canvas (its own pixels), or null: how a click picks a note.
    noteAt(x, y) {
        for (let i = this.notes.length - 1; i >= 0; i--) {
            const b = this.noteBox(this.notes[i]);
            if (x >= b.x && x <= b.x + b.width && y >= b.y - 1 && y <= b.y + b.height + 1) return this.notes[i];
        }
        return null;
    }
    draw() {
        const c = this.canvas, ctx = c.getContext("2d");
        const { low, high } = this.rows(), rowHeight = this.rowHeight();
        // How the roll is laid out, for readers of the markup (and tests that click a note).
        c.dataset.notes = String(this.notes.length);
        c.dataset.quarterWidth = String(this.quarterWidth);
        c.dataset.highPitch = String(high);
        c.dataset.rowHeight = rowHeight.toFixed(3);
        const end = Math.max(this.cursor || 0, this.notes.reduce((m, n) => Math.max(m, n.start + n.duration), 0));
        const bars = Math.max(this.minBars, Math.ceil(end / this.quartersPerBar), this.barScores.size);
        const width = Math.max(c.parentElement ? c.parentElement.clientWidth : 600, bars * this.quartersPerBar * this.quarterWidth + 2);
        if (c.width !== width) c.width = width;
        const strip = this.stripHeight();
        ctx.clearRect(0, 0, c.width, c.height);
        if (!this.transparent) { ctx.fillStyle = "#fbfbfd"; ctx.fillRect(0, 0, c.width, c.height); }
        if (this.pitchRange) {
            // A fixed range is an instrument's keys: shade the black-key rows so a pitch can be read off the roll.
            ctx.fillStyle = "rgba(0,0,0,0.045)";
            for (let p = low; p <= high; p++) if (isBlackKey(p)) ctx.fillRect(0, (high - p) * rowHeight, c.width, rowHeight);
        }
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
            const b = this.noteBox(n);
            ctx.fillStyle = n === this.selected ? "#f76707" : this.barScores.has(n.bar) ? scoreColour(this.barScores.get(n.bar)) : "#3b5bdb";
            ctx.fillRect(b.x, b.y, b.width, b.height);
            if (n === this.selected) { ctx.strokeStyle = "#862e00"; ctx.lineWidth = 2; ctx.strokeRect(b.x + 1, b.y + 1, b.width - 2, b.height - 2); ctx.lineWidth = 1; }
        }
        this.drawLine(this.cursor, "rgba(13,110,253,0.8)", [4, 3]);
        this.drawLine(this.playhead, "#0d6efd", []);
    }
    drawLine(quarters, colour, dash) {
        if (quarters == null) return;
        const ctx = this.canvas.getContext("2d"), x = quarters * this.quarterWidth + 1;
        ctx.save();
        ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(dash);
        ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, this.canvas.height - this.stripHeight()); ctx.stroke();
        ctx.restore();
    }
}
