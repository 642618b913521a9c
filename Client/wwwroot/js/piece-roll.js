// The piece page's piano roll: the whole piece fitted to the canvas, time (quarter notes) left to right, pitch bottom
// to top with note names along a pitch axis, bar lines, every note coloured by the critic score of its bar
// (score-colour.js), and a playhead. (The live views grow their roll as notes arrive: live-roll.js.) Its time axis is
// exported (xOf, barAt) so what is laid over the roll, such as a selection of bars, lines up with what it draws.
import { isBlackKey, noteName, pitchClassNames } from "./pitches.js";
import { scoreColour } from "./score-colour.js";

export const PieceRoll = (() => {
    const axisWidth = 34;

    // Which pitches get a name on the axis: every one where rows are tall enough to read a label each, C E G
    // (at least three rows apart) where they are not, and only the Cs, one an octave, on a crowded roll.
    const labelled = (low, high, rowHeight) => {
        const shown = rowHeight >= 11 ? () => true
            : rowHeight >= 4 ? p => [0, 4, 7].includes(p % 12)
            : p => p % 12 === 0;
        const pitches = [];
        for (let p = Math.max(0, low); p <= high; p++) if (shown(p)) pitches.push(p);
        return pitches;
    };

    // The pitch axis: black-key rows shaded across the roll, a line under every C, and the labels in a gutter.
    const drawPitchAxis = (g, low, high, y, rowHeight, width, height) => {
        for (let p = low; p <= high; p++) {
            if (isBlackKey(p)) {
                g.fillStyle = 'rgba(0,0,0,0.035)';
                g.fillRect(axisWidth, y(p), width - axisWidth, rowHeight);
            }
            if (p % 12 === 0) {
                g.strokeStyle = 'rgba(0,0,0,0.15)';
                g.beginPath(); g.moveTo(axisWidth - 4, y(p) + rowHeight + 0.5); g.lineTo(width, y(p) + rowHeight + 0.5); g.stroke();
            }
        }
        g.fillStyle = '#f4f5f7';
        g.fillRect(0, 0, axisWidth, height);
        g.strokeStyle = 'rgba(0,0,0,0.3)';
        g.beginPath(); g.moveTo(axisWidth + 0.5, 0); g.lineTo(axisWidth + 0.5, height); g.stroke();
        const pitches = labelled(low, high, rowHeight);
        g.font = '10px sans-serif';
        g.textAlign = 'right';
        g.textBaseline = 'middle';
        for (const p of pitches) {
            g.fillStyle = p % 12 === 0 ? 'rgba(0,0,0,0.8)' : 'rgba(0,0,0,0.5)';
            g.fillText(noteName(p), axisWidth - 4, y(p) + rowHeight / 2);
        }
        g.textAlign = 'start';
        g.textBaseline = 'alphabetic';
        return pitches.map(noteName);
    };

    const barOf = (barStarts, time) => {
        let bar = 0;
        while (bar + 1 < barStarts.length && barStarts[bar + 1] <= time + 1e-9) bar++;
        return bar;
    };

    // Time to x (CSS pixels across the canvas) and back: the notes fill the canvas right of the pitch axis.
    const timeAxis = (canvas, roll) => {
        const left = axisWidth + 4, span = canvas.clientWidth - axisWidth - 8, end = Math.max(roll.end, 1);
        return { x: t => left + span * t / end, time: x => (x - left) * end / span };
    };
    const xOf = (canvas, roll, time) => timeAxis(canvas, roll).x(time);

    // The bar (numbered from 1, as a reader counts them) under x, clamped to the piece's bars.
    const barAt = (canvas, roll, x) => barOf(roll.barStarts, Math.max(0, timeAxis(canvas, roll).time(x))) + 1;

    const draw = (canvas, roll, playhead) => {
        const ratio = window.devicePixelRatio || 1;
        const width = canvas.clientWidth, height = canvas.clientHeight || Number(canvas.getAttribute('height'));
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        const g = canvas.getContext('2d');
        g.setTransform(ratio, 0, 0, ratio, 0, 0);
        g.clearRect(0, 0, width, height);
        const pitches = roll.notes.map(n => n.pitch);
        const low = (pitches.length ? Math.min(...pitches) : 60) - 2, high = (pitches.length ? Math.max(...pitches) : 72) + 2;
        const end = Math.max(roll.end, 1);
        const x = timeAxis(canvas, roll).x;
        const rowHeight = (height - 4) / (high - low + 1);
        const y = p => 2 + (high - p) * rowHeight;
        const scores = roll.barScores || [];
        // What the axis shows, for readers of the page's markup (and its tests).
        canvas.dataset.pitchLabels = drawPitchAxis(g, low, high, y, rowHeight, width, height).join(' ');
        // Bars: a light wash of the bar's score colour, then the bar line and number.
        roll.barStarts.forEach((start, i) => {
            const next = i + 1 < roll.barStarts.length ? roll.barStarts[i + 1] : end;
            g.fillStyle = scoreColour(scores[i], 0.08);
            g.fillRect(x(start), 0, x(next) - x(start), height);
            g.strokeStyle = 'rgba(0,0,0,0.25)';
            g.beginPath(); g.moveTo(x(start) + 0.5, 0); g.lineTo(x(start) + 0.5, height); g.stroke();
            g.fillStyle = 'rgba(0,0,0,0.45)';
            g.font = '10px sans-serif';
            g.fillText(String(i + 1), x(start) + 3, 11);
        });
        for (const note of roll.notes) {
            g.fillStyle = scoreColour(scores[barOf(roll.barStarts, note.start)]);
            g.fillRect(x(note.start), y(note.pitch), Math.max(2, x(note.start + note.duration) - x(note.start) - 1), Math.max(2, rowHeight - 1));
        }
        if (playhead != null) {
            g.strokeStyle = '#0d6efd';
            g.lineWidth = 2;
            g.beginPath(); g.moveTo(x(playhead), 0); g.lineTo(x(playhead), height); g.stroke();
        }
    };

    return { draw, xOf, barAt };
})();
