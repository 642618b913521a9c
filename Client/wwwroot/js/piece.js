// The piece page: staff notation rendered from the piece's MusicXML (OpenSheetMusicDisplay): a part per track, a
// staff per voice of a chorale; star ratings; and, for a chorale, "Regenerate bars": bars chosen by dragging across
// the piano roll (drawn by piece-analysis.js) or typed, rewritten in the chosen voices as a new piece that the studio
// then shows arriving.
import { api } from './api.js';
import { PieceRoll } from './piece-roll.js';

(() => {
    const root = document.getElementById('piece');
    const id = root.dataset.pieceId;

    const renderStaff = async () => {
        const staff = document.getElementById('staff');
        try {
            const xml = await api(`/api/pieces/${id}/musicxml`, { as: 'text' });
            staff.textContent = '';
            const display = new opensheetmusicdisplay.OpenSheetMusicDisplay(staff, { autoResize: true, drawTitle: false, backend: 'svg' });
            await display.load(xml);
            display.render();
            // How the score was laid out (a staff per voice of a chorale), for readers of the markup and the tests.
            staff.dataset.parts = display.Sheet.Instruments.map(instrument => instrument.Name).join(', ');
            staff.dataset.stavesPerSystem = String(display.GraphicSheet.MusicPages[0].MusicSystems[0].StaffLines.length);
            staff.dataset.rendered = 'true';
        } catch (error) {
            staff.textContent = `The staff notation could not be shown: ${error.message}`;
        } finally {
            staff.setAttribute('aria-busy', 'false');
        }
    };

    // Admins only (the button is rendered for them alone; the API refuses anyone else).
    document.getElementById('delete-piece')?.addEventListener('click', async () => {
        if (!confirm('Delete this piece, its files and its ratings for good?')) return;
        try {
            await api(`/api/pieces/${id}`, { method: 'DELETE' });
            location.assign('/library');
        } catch (error) {
            alert(`The piece could not be deleted: ${error.message}`);
        }
    });

    const summary = document.getElementById('rating-summary');
    document.querySelectorAll('#rating-buttons button').forEach(button => button.addEventListener('click', async () => {
        let rating;
        try {
            rating = await api(`/api/pieces/${id}/ratings`, { method: 'POST', json: { stars: Number(button.dataset.stars) } });
        } catch {
            summary.textContent = 'The rating was not saved.';
            return;
        }
        summary.textContent = `${rating.mean.toFixed(1)} from ${rating.count} rating(s). Thank you!`;
    }));

    const regenerateBars = async () => {
        const section = document.getElementById('regenerate');
        const canvas = document.getElementById('piano-roll');
        const roll = await api(`/api/pieces/${id}/notes`);
        // Regeneration rewrites four-part pieces: soprano, alto, tenor and bass on tracks 0-3 (the server says why
        // it refuses anything else; offering it only where it can work spares the listener that).
        const tracks = new Set(roll.notes.map(note => note.track));
        if (tracks.size !== 4 || ![0, 1, 2, 3].every(track => tracks.has(track))) return;
        section.hidden = false;

        const form = document.getElementById('regenerate-form');
        const from = document.getElementById('regenerate-from'), to = document.getElementById('regenerate-to');
        const error = document.getElementById('regenerate-error');
        const overlay = document.getElementById('bar-selection'), overlayLabel = document.getElementById('bar-selection-label');
        const barCount = roll.barStarts.length;
        from.max = to.max = String(barCount);
        from.placeholder = '1';
        to.placeholder = String(barCount);

        // The chosen bars, as typed (either order; one of them alone is that bar), when they are bars of the piece.
        const chosen = () => {
            const a = from.value === '' ? Number(to.value) : Number(from.value), b = to.value === '' ? a : Number(to.value);
            const isBar = n => Number.isInteger(n) && n >= 1 && n <= barCount;
            return from.value + to.value !== '' && isBar(a) && isBar(b) ? { first: Math.min(a, b), last: Math.max(a, b) } : null;
        };
        const showSelection = () => {
            const selection = chosen();
            if (!selection || !canvas.isConnected) { overlay.hidden = true; return; }
            const left = PieceRoll.xOf(canvas, roll, roll.barStarts[selection.first - 1]);
            const right = PieceRoll.xOf(canvas, roll, selection.last < barCount ? roll.barStarts[selection.last] : roll.end);
            Object.assign(overlay.style, {
                left: `${canvas.offsetLeft + canvas.clientLeft + left}px`, width: `${right - left}px`,
                top: `${canvas.offsetTop + canvas.clientTop}px`, height: `${canvas.clientHeight}px`,
            });
            overlayLabel.textContent = selection.first === selection.last ? `bar ${selection.first}` : `bars ${selection.first}-${selection.last}`;
            overlay.dataset.bars = `${selection.first}-${selection.last}`;
            overlay.hidden = false;
        };

        // Dragging across the roll chooses the bars from where the drag began to where it is.
        let anchor = null;
        const dragTo = event => {
            const bar = PieceRoll.barAt(canvas, roll, event.offsetX);
            from.value = String(Math.min(anchor, bar));
            to.value = String(Math.max(anchor, bar));
            showSelection();
        };
        canvas.classList.add('bar-selectable');
        canvas.addEventListener('pointerdown', event => {
            if (event.button !== 0) return;
            canvas.setPointerCapture(event.pointerId);
            anchor = PieceRoll.barAt(canvas, roll, event.offsetX);
            dragTo(event);
        });
        canvas.addEventListener('pointermove', event => { if (anchor !== null) dragTo(event); });
        const endDrag = () => { anchor = null; };
        canvas.addEventListener('pointerup', endDrag);
        canvas.addEventListener('pointercancel', endDrag);
        from.addEventListener('input', showSelection);
        to.addEventListener('input', showSelection);
        window.addEventListener('resize', showSelection);
        showSelection();

        form.addEventListener('submit', async event => {
            event.preventDefault();
            error.textContent = '';
            const voices = [...form.querySelectorAll('input[name=voices]:checked')].map(box => box.value);
            if (from.value === '' && to.value === '') { error.textContent = 'Choose the bars first: drag across the piano roll or type them.'; return; }
            if (voices.length === 0) { error.textContent = 'Choose at least one voice to rewrite.'; return; }
            // The bars as the roll shows them; bars it cannot show go as typed, and the server names what is wrong.
            const selection = chosen();
            const fromBar = selection ? selection.first : Number(from.value), toBar = selection ? selection.last : Number(to.value);
            const button = form.querySelector('button[type=submit]');
            button.disabled = true;
            try {
                const started = await api(`/api/pieces/${id}/regenerations`, { method: 'POST', json: { fromBar, toBar, voices } });
                location.assign(`/?session=${encodeURIComponent(started.id)}`);
            } catch (failure) {
                error.textContent = failure.message;
            } finally {
                button.disabled = false;
            }
        });
    };

    renderStaff();
    regenerateBars().catch(() => { /* no notes, no regeneration: the roll's own message says why */ });
})();
