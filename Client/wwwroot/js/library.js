// The library page while the starter library is generated: polls GET /api/library/seeding, moves the progress bar,
// and when pieces were added reloads the results part of the page (same URL, so sort, search and page stay).
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

    const poll = async () => {
        let finished = false;
        try {
            const response = await fetch('/api/library/seeding', { headers: { accept: 'application/json' } });
            if (!response.ok) return;
            const state = await response.json();
            seeding.dataset.status = state.status;
            progress.setAttribute('aria-valuemax', state.total);
            progress.setAttribute('aria-valuenow', state.done);
            bar.style.width = `${state.total ? Math.round(100 * state.done / state.total) : 0}%`;
            if (state.message) message.textContent = state.message;
            finished = state.status !== 'Running';
            if (state.done !== done || finished) {
                done = state.done;
                await refreshResults();
            }
            if (finished && !state.message) seeding.classList.add('d-none');
        } finally {
            if (!finished) setTimeout(poll, 2000);
        }
    };
    setTimeout(poll, 2000);
})();
