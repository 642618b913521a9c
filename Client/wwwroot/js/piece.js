// The piece page: staff notation rendered from the piece's MusicXML (OpenSheetMusicDisplay): a part per track, a
// staff per voice of a chorale; and star ratings.
(() => {
    const root = document.getElementById('piece');
    const id = root.dataset.pieceId;

    const renderStaff = async () => {
        const staff = document.getElementById('staff');
        try {
            const response = await fetch(`/api/pieces/${id}/musicxml`);
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            const xml = await response.text();
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
        const response = await fetch(`/api/pieces/${id}`, { method: 'DELETE' });
        if (response.ok) location.assign('/library');
        else alert(`The piece could not be deleted: HTTP ${response.status}`);
    });

    const summary = document.getElementById('rating-summary');
    document.querySelectorAll('#rating-buttons button').forEach(button => button.addEventListener('click', async () => {
        const response = await fetch(`/api/pieces/${id}/ratings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ stars: Number(button.dataset.stars) }),
        });
        if (!response.ok) { summary.textContent = 'The rating was not saved.'; return; }
        const rating = await response.json();
        summary.textContent = `${rating.mean.toFixed(1)} from ${rating.count} rating(s). Thank you!`;
    }));

    renderStaff();
})();
