// /training: the page's own check of the form (heads must divide the width), the defaults of the chosen dataset,
// comparing selected runs, and the run list kept current over SignalR.
import { hub } from './hub.js';

const form = document.getElementById('training-form');

// Another dataset: its details, and the fields whose defaults differ between datasets (a grid dataset's longer
// context) set to its values, as the server would start its form (/training?dataset=id).
const dataset = document.getElementById('form-dataset');
dataset.addEventListener('change', () => {
    const option = dataset.selectedOptions[0];
    if (!option) return;
    document.getElementById('dataset-details').textContent = option.dataset.details ?? '';
    for (const [field, value] of Object.entries(JSON.parse(option.dataset.defaults || '{}'))) {
        const input = document.getElementById('form-' + field.toLowerCase());
        if (input) input.value = value;
    }
});

const width = document.getElementById('form-modelwidth');
const heads = document.getElementById('form-heads');
const checkHeads = () => {
    const w = Number(width.value), h = Number(heads.value);
    width.setCustomValidity(w > 0 && h > 0 && w % h !== 0 ? `the width must be divisible by the number of heads (${h})` : '');
};
width.addEventListener('input', checkHeads);
heads.addEventListener('input', checkHeads);
form.addEventListener('submit', event => {
    checkHeads();
    if (!form.checkValidity()) {
        event.preventDefault();
        form.reportValidity();
    }
});

const compare = document.getElementById('compare');
const selected = () => [...document.querySelectorAll('#runs tbody input[type=checkbox]:checked')].map(c => c.value);
document.getElementById('runs').addEventListener('change', () => { compare.disabled = selected().length < 2; });
compare.addEventListener('click', () => {
    location.href = '/training/compare?' + selected().map(id => 'ids=' + encodeURIComponent(id)).join('&');
});

const nll = value => value === null || value === undefined ? '–' : value.toFixed(4);
const render = runs => {
    for (const run of runs) {
        const row = document.querySelector(`#runs tr[data-run="${CSS.escape(run.runId)}"]`);
        if (!row) continue; // new runs appear on the next page load
        row.querySelector('[data-field=status]').textContent = run.status + (run.queuePosition ? ` (#${run.queuePosition})` : '');
        row.querySelector('[data-field=step]').textContent = `${run.step} / ${run.totalSteps}`;
        row.querySelector('[data-field=nll]').textContent = nll(run.latestValidNll);
        row.querySelector('[data-field=silo] code').textContent = run.silo ?? '';
    }
};
hub('/hubs/training').follow('Runs', render);
