// Keeps the cluster table current from the status hub's Cluster stream (the same shape as GET /api/cluster).
import { hub } from './hub.js';

const body = document.querySelector('#silos tbody');
const cell = (text, className) => {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
};
const render = cluster => {
    const rows = cluster.silos.map(silo => {
        const tr = document.createElement('tr');
        tr.dataset.testid = 'silo-row';
        const address = document.createElement('td');
        const code = document.createElement('code');
        code.textContent = silo.address;
        const name = document.createElement('div');
        name.className = 'small text-body-secondary';
        name.textContent = silo.name;
        address.append(code, name);
        const work = document.createElement('td');
        for (const run of silo.trainingRuns) {
            const link = document.createElement('a');
            link.className = 'd-block';
            link.href = '/training/' + encodeURIComponent(run);
            link.textContent = 'training ' + run;
            work.append(link);
        }
        for (const run of silo.trainingWorkers) {
            const link = document.createElement('a');
            link.className = 'd-block';
            link.dataset.testid = 'training-worker';
            link.href = '/training/' + encodeURIComponent(run);
            link.textContent = 'worker of ' + run;
            work.append(link);
        }
        const sessions = document.createElement('span');
        sessions.className = 'small text-body-secondary';
        sessions.textContent = silo.generationSessions + ' generation session(s)';
        work.append(sessions);
        const grains = silo.grains.slice(0, 6).map(g => g.grainType + ' ' + g.activations).join(', ');
        const slots = cell(silo.trainingRuns.length + ' of ' + silo.trainingSlots, 'text-end');
        slots.dataset.testid = 'training-slots';
        work.dataset.testid = 'running-work';
        const grainCell = cell(grains, 'small');
        grainCell.dataset.testid = 'grain-types';
        tr.append(address, cell(silo.hostName), cell(silo.status, silo.status === 'Active' ? 'status-active' : 'status-other'),
            cell(silo.accelerators, 'text-end'), slots, work, cell(silo.activationCount, 'text-end'), grainCell,
            cell(new Date(silo.startedAt).toISOString()));
        return tr;
    });
    body.replaceChildren(...rows);
    document.getElementById('silo-count').textContent = cluster.silos.length;
    document.getElementById('accelerator-total').textContent = cluster.silos.reduce((n, s) => n + s.accelerators, 0);
    document.getElementById('taken-at').textContent = new Date(cluster.takenAt).toISOString();
    const storage = document.getElementById('storage');
    if (storage && cluster.storage) {
        storage.textContent = 'Storage: ' + cluster.storage.summary;
        storage.dataset.state = cluster.storage.state;
        storage.className = cluster.storage.state === 'Reachable' ? 'text-body-secondary' : 'alert alert-warning py-1';
    }
};
hub('/hubs/status').follow('Cluster', render);
