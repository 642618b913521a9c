// Chart.js line charts over training steps, shared by a run's page and the comparison page.
/* global Chart */
export const trainingCharts = (() => {
    const palette = ['#0d6efd', '#dc3545', '#198754', '#fd7e14', '#6f42c1', '#20c997', '#6c757d', '#d63384'];
    const create = (canvasId, yTitle) => new Chart(document.getElementById(canvasId), {
        type: 'line',
        data: { datasets: [] },
        options: {
            animation: false,
            parsing: false,
            normalized: true,
            spanGaps: true,
            scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: yTitle } } },
            plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
            elements: { point: { radius: 0 } },
        },
    });
    const series = (chart, label) => {
        let set = chart.data.datasets.find(d => d.label === label);
        if (!set) {
            const color = palette[chart.data.datasets.length % palette.length];
            set = { label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5 };
            chart.data.datasets.push(set);
        }
        return set;
    };
    // Adds the points of metrics whose field is a number; points for validation-only fields are drawn as dots.
    const add = (chart, label, metrics, field) => {
        const set = series(chart, label);
        for (const m of metrics) {
            const y = m[field];
            if (typeof y === 'number') set.data.push({ x: m.step, y });
        }
        if (field === 'validNll' || field === 'criticAuc') set.pointRadius = 3;
    };
    return { create, add };
})();
