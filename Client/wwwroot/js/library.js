// The library page while the starter library is generated: follows the status hub's Seeding stream (the shape of
// GET /api/library/seeding), moves the progress bar, and when pieces were added reloads the results part of the
// page (same URL, so sort, search and page stay).
import { hub } from './hub.js';

(() => {
    const seeding = document.getElementById('seeding');
    if (!seeding || seeding.dataset.status !== 'Running') return;
    const message = document.getElementById('seeding-message');
    const bar = document.getElementById('seeding-bar');
    const progress = seeding.querySelector('.progress');
    let done = Number(seeding.dataset.done);

    const refreshResults = async () => {
        const response = await fetch(window.location.href, { headers: { accept: 'text/html' } });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), 'text/html');
        const fresh = page.getElementById('library-results');
        if (fresh) document.getElementById('library-results').replaceChildren(...fresh.childNodes);
    };

    const show = async state => {
        seeding.dataset.status = state.status;
        progress.setAttribute('aria-valuemax', state.total);
        progress.setAttribute('aria-valuenow', state.done);
        bar.style.width = `${state.total ? Math.round(100 * state.done / state.total) : 0}%`;
        if (state.message) message.textContent = state.message;
        const finished = state.status !== 'Running';
        if (state.done !== done || finished) {
            done = state.done;
            await refreshResults();
        }
        if (finished && !state.message) seeding.classList.add('d-none');
    };
    hub('/hubs/status').follow('Seeding', state => { show(state); });
})();
