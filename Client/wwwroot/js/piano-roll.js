// The piece page's piano roll: the whole piece fitted to the canvas, time (quarter notes) left to right, pitch bottom
// to top, bar lines, every note coloured by the critic score of its bar (score-colour.js), and a playhead.
// (The live views grow their roll as notes arrive: pianoroll.js.)
window.PieceRoll = (() => {

    const barOf = (barStarts, time) => {
        let bar = 0;
        while (bar + 1 < barStarts.length && barStarts[bar + 1] <= time + 1e-9) bar++;
        return bar;
    };

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
        const x = t => 4 + (width - 8) * t / end;
        const rowHeight = (height - 4) / (high - low + 1);
        const y = p => 2 + (high - p) * rowHeight;
        const scores = roll.barScores || [];
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

    return { draw };
})();
