// The piece page's analyses: the piano roll coloured by per-bar score (following the audio while it plays), the
// objective metrics against real music (Chart.js), and the nearest real pieces with their shared passage.
import { api } from './api.js';
import { PieceRoll } from './piece-roll.js';
import { noteName, pitchClassNames as names } from './pitches.js';

(() => {
    const id = document.getElementById('piece').dataset.pieceId;
    const label = name => name.replaceAll('_', ' ');

    const pianoRoll = async () => {
        const canvas = document.getElementById('piano-roll');
        try {
            const roll = await api(`/api/pieces/${id}/notes`);
            const audio = document.querySelector('[data-testid="piece-audio"]');
            const redraw = () => PieceRoll.draw(canvas, roll, audio && !audio.paused ? audio.currentTime / roll.secondsPerQuarter : null);
            redraw();
            window.addEventListener('resize', redraw);
            const follow = () => { redraw(); if (!audio.paused) requestAnimationFrame(follow); };
            audio?.addEventListener('play', () => requestAnimationFrame(follow));
            audio?.addEventListener('pause', redraw);
            document.getElementById('piano-roll-model').textContent = roll.scoreModelId
                ? `Scores by ${roll.scoreModelId} / ${roll.scoreCheckpointId}.` : 'This piece has no score yet.';
            canvas.dataset.notes = String(roll.notes.length);
            canvas.dataset.rendered = 'true';
        } catch (error) {
            canvas.replaceWith(Object.assign(document.createElement('p'), { textContent: `The piano roll could not be shown: ${error.message}` }));
        }
    };

    const metrics = async () => {
        const source = document.getElementById('metrics-source');
        const chartCanvas = document.getElementById('metrics-chart');
        try {
            const report = await api(`/api/pieces/${id}/metrics`);
            if (!report.referenceAvailable) { source.textContent = report.message; return; }
            const measured = report.pieceExcerpts > 1
                ? ` Each metric is the median over this piece's ${report.pieceExcerpts} excerpts of ${report.excerptBars} bars.` : '';
            const leftOut = report.leftOut.length > 0
                ? ` This piece has ${report.pieceBars} bar${report.pieceBars === 1 ? '' : 's'}, fewer than an excerpt: ` +
                  `${report.leftOut.map(label).join(', ')} grow with length and are not compared.` : '';
            source.textContent = `Where this piece falls among ${report.referenceExcerpts} excerpts of ${report.excerptBars} bars from the ` +
                `${report.referenceSplit} split of ${report.referenceSource}: 50 is typical of the real music, near 0 or 100 is unusual.` +
                measured + leftOut;
            const values = report.metrics;
            new Chart(chartCanvas, {
                type: 'bar',
                data: {
                    labels: values.map(m => label(m.name)),
                    datasets: [{
                        label: 'Percentile among real pieces',
                        data: values.map(m => m.percentile),
                        backgroundColor: values.map(m => `hsl(${Math.round(120 - 2.4 * Math.abs(m.percentile - 50))} 60% 50% / 0.8)`),
                    }],
                },
                options: {
                    indexAxis: 'y', maintainAspectRatio: false, animation: false,
                    scales: { x: { min: 0, max: 100, title: { display: true, text: 'percentile among real pieces' } } },
                    plugins: {
                        legend: { display: false },
                        tooltip: { callbacks: { label: c => { const m = values[c.dataIndex]; return `${m.value.toFixed(3)} (real: ${m.referenceMean.toFixed(3)} ± ${m.referenceStandardDeviation.toFixed(3)}), percentile ${m.percentile.toFixed(0)}`; } } },
                    },
                },
            });
            chartCanvas.dataset.rendered = 'true';
            const piece = report.pieceHistograms.pitch_class_histogram, real = report.referenceHistograms.pitch_class_histogram;
            if (piece && real) {
                new Chart(document.getElementById('pitch-class-chart'), {
                    type: 'bar',
                    data: { labels: names, datasets: [
                        { label: 'This piece', data: piece, backgroundColor: 'rgba(13,110,253,0.7)' },
                        { label: 'Real pieces (mean)', data: real, backgroundColor: 'rgba(108,117,125,0.6)' },
                    ] },
                    options: { maintainAspectRatio: false, animation: false, plugins: { title: { display: true, text: 'Pitch classes (share of notes)' } } },
                });
            }
        } catch (error) {
            source.textContent = `The metrics could not be shown: ${error.message}`;
        }
    };

    const passage = notes => notes.map(n => noteName(n.pitch)).join(' ');
    const similarity = async () => {
        const box = document.getElementById('similarity');
        try {
            const report = await api(`/api/pieces/${id}/similarity`);
            if (!report.configured) {
                box.replaceChildren(Object.assign(document.createElement('p'), { className: 'text-body-secondary', textContent: report.message }));
                box.dataset.configured = 'false';
                return;
            }
            const intro = Object.assign(document.createElement('p'), {
                textContent: `Nearest of ${report.referenceCount} real pieces in ${report.referenceName}` + (report.flagged ? ' — this piece copies one of them.' : '.'),
            });
            const list = document.createElement('ol');
            for (const match of report.nearest) {
                const item = document.createElement('li');
                item.dataset.testid = 'similar-piece';
                const head = Object.assign(document.createElement('div'), {
                    textContent: `${match.referenceId}: similarity ${(100 * match.score).toFixed(0)}% (intervals ${(100 * match.intervalSimilarity).toFixed(0)}%, ` +
                        `rhythm ${(100 * match.rhythmSimilarity).toFixed(0)}%), ${(100 * match.copiedShare).toFixed(0)}% of its melody shared` + (match.flagged ? ' — copied' : ''),
                });
                item.append(head);
                if (match.piecePassage.length) {
                    const shared = document.createElement('div');
                    shared.className = 'passage';
                    shared.textContent = `Longest shared passage (${match.piecePassage.length} notes): here ${passage(match.piecePassage)} · there ${passage(match.referencePassage)}`;
                    item.append(shared);
                }
                list.append(item);
            }
            box.replaceChildren(intro, list);
            box.dataset.configured = 'true';
        } catch (error) {
            box.textContent = `Similarity could not be shown: ${error.message}`;
        } finally {
            box.setAttribute('aria-busy', 'false');
        }
    };

    pianoRoll();
    metrics();
    similarity();
})();
