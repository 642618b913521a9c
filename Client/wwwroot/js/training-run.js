// A training run's page: charts and log from GET .../metrics and .../log, then live over SignalR; pause / resume /
// stop and learning-rate changes through the API (admin cookie).
import { api, segment } from './api.js';
import { hub } from './hub.js';
import { trainingCharts } from './training-charts.js';

(() => {
    const runId = document.getElementById('controls').dataset.run;
    const charts = {
        loss: trainingCharts.create('chart-loss', 'nats/token'),
        wasserstein: trainingCharts.create('chart-wasserstein', 'W estimate'),
        nll: trainingCharts.create('chart-nll', 'nats/token'),
        auc: trainingCharts.create('chart-auc', 'AUC'),
    };
    let nextStep = 1, nextLine = 0;
    const logElement = document.getElementById('log');

    const addMetrics = metrics => {
        const fresh = metrics.filter(m => m.step >= nextStep);
        if (fresh.length === 0) return;
        nextStep = fresh[fresh.length - 1].step + 1;
        trainingCharts.add(charts.loss, 'MLE loss', fresh, 'mleLoss');
        trainingCharts.add(charts.loss, 'generator loss', fresh, 'generatorLoss');
        trainingCharts.add(charts.loss, 'critic loss', fresh, 'criticLoss');
        trainingCharts.add(charts.wasserstein, 'Wasserstein', fresh, 'wasserstein');
        trainingCharts.add(charts.nll, 'valid NLL', fresh, 'validNll');
        trainingCharts.add(charts.auc, 'critic AUC', fresh, 'criticAuc');
        Object.values(charts).forEach(c => c.update('none'));
    };
    const addLog = lines => {
        const fresh = lines.filter(l => l.number >= nextLine);
        if (fresh.length === 0) return;
        nextLine = fresh[fresh.length - 1].number + 1;
        const atBottom = logElement.scrollTop + logElement.clientHeight >= logElement.scrollHeight - 4;
        logElement.append(fresh.map(l => `${new Date(l.at).toISOString().substring(11, 19)}  ${l.text}\n`).join(''));
        document.getElementById('log-count').textContent = `${nextLine} lines`;
        if (atBottom) logElement.scrollTop = logElement.scrollHeight;
    };
    const nll = v => typeof v === 'number' ? v.toFixed(4) : '–';
    const phases = { Mle: 'MLE pre-training', Adversarial: 'adversarial training' };
    const admin = document.getElementById('controls').dataset.admin === 'true';
    // Each control is enabled while the run is in a status it applies to (data-when), as the page was rendered.
    const enableControls = status => document.querySelectorAll('#controls button[data-when]').forEach(button => {
        button.disabled = !admin || !button.dataset.when.split(' ').includes(status);
    });
    const showRun = run => {
        if (!run) return;
        document.getElementById('status').textContent = run.status;
        document.getElementById('step').textContent = `${run.step} / ${run.totalSteps}`;
        document.getElementById('phase').textContent = phases[run.phase] ?? run.phase;
        enableControls(run.status);
        document.getElementById('silo').textContent = run.silo ?? '';
        document.getElementById('epoch').textContent = run.epoch;
        document.getElementById('queue').textContent = run.queuePosition ? `· queued, position ${run.queuePosition}` : '';
        const rows = run.checkpoints.map(c => {
            const tr = document.createElement('tr');
            for (const [text, cls] of [[c.checkpointId, ''], [c.step, 'text-end'], [nll(c.validNll), 'text-end'], [c.epoch, 'text-end']]) {
                const td = document.createElement('td');
                td.textContent = text;
                if (cls) td.className = cls;
                tr.append(td);
            }
            return tr;
        });
        document.getElementById('checkpoints').replaceChildren(...rows);
        const workers = run.workers ?? [];
        document.getElementById('workers-section').hidden = workers.length === 0;
        document.getElementById('workers').replaceChildren(...workers.map(w => {
            const tr = document.createElement('tr');
            tr.dataset.testid = 'worker-row';
            const silo = document.createElement('code');
            silo.textContent = w.silo;
            const seconds = typeof w.stepSeconds === 'number' ? w.stepSeconds.toFixed(3) : '–';
            for (const [content, cls] of [[w.name, ''], [silo, ''], [w.shards.join(', '), ''], [seconds, 'text-end']]) {
                const td = document.createElement('td');
                td.append(content);
                if (cls) td.className = cls;
                tr.append(td);
            }
            return tr;
        }));
    };

    const errorElement = document.getElementById('control-error');
    const call = async (method, path, json) => {
        errorElement.textContent = '';
        try {
            showRun(await api(`/api/training-runs/${segment(runId)}${path}`, { method, json }));
        } catch (error) {
            errorElement.textContent = error.message;
        }
    };
    document.querySelectorAll('#controls button[data-action]').forEach(button =>
        button.addEventListener('click', () => call('POST', '/' + button.dataset.action)));
    document.getElementById('lr-form').addEventListener('submit', event => {
        event.preventDefault();
        const input = document.getElementById('lr');
        if (!input.checkValidity()) { input.reportValidity(); return; }
        call('PATCH', '', { learningRate: Number(input.value) });
    });

    const start = async () => {
        const [metrics, log] = await Promise.all([
            api(`/api/training-runs/${segment(runId)}/metrics`),
            api(`/api/training-runs/${segment(runId)}/log`),
        ]);
        addMetrics(metrics);
        addLog(log);
        const training = hub('/hubs/training');
        training.on('update', update => { addMetrics(update.metrics); addLog(update.log); showRun(update.run); });
        // On every (re)connection: join the run's group and take what was missed meanwhile.
        await new Promise((resolve, reject) => training.whenConnected(async () => {
            try {
                const catchUp = await training.invoke('WatchRun', runId, nextStep, nextLine);
                addMetrics(catchUp.metrics);
                addLog(catchUp.log);
                showRun(catchUp.run);
                resolve();
            } catch (error) {
                reject(error);
                throw error;
            }
        }));
    };
    start().catch(error => { errorElement.textContent = 'live updates unavailable: ' + error; });
})();
