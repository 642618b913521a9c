// The comparison page: each selected run's curves on shared charts. The page lists the runs in data- attributes of
// #compare (ids comma separated, names separated by U+001F, which no run name holds).
import { api, segment } from './api.js';
import { trainingCharts } from './training-charts.js';

(async () => {
    const root = document.getElementById('compare');
    if (!root) return;
    const ids = root.dataset.runs.split(',');
    const names = root.dataset.names.split('\u001f');
    const charts = {
        mleLoss: trainingCharts.create('chart-mle', 'nats/token'),
        validNll: trainingCharts.create('chart-nll', 'nats/token'),
        wasserstein: trainingCharts.create('chart-wasserstein', 'W estimate'),
        criticLoss: trainingCharts.create('chart-critic', 'loss'),
    };
    const all = await Promise.all(ids.map(id => api(`/api/training-runs/${segment(id)}/metrics`)));
    all.forEach((metrics, i) => {
        for (const [field, chart] of Object.entries(charts)) trainingCharts.add(chart, names[i], metrics, field);
    });
    Object.values(charts).forEach(c => c.update('none'));
})();
