// The models page after a promotion: follows the rescoring job's progress through the status hub's ScoringJob stream.
import { hub } from './hub.js';

(() => {
    const rescoring = document.getElementById('rescoring');
    if (!rescoring) return;
    const message = document.getElementById('rescoring-message');
    const bar = document.getElementById('rescoring-bar');
    const show = job => {
        bar.style.width = `${job.total ? Math.round(100 * (job.done + job.failed) / job.total) : 100}%`;
        const failed = job.failed ? `, ${job.failed} failed` : '';
        message.textContent = job.status === 'Pending' || job.status === 'Running'
            ? `Rescoring the library with ${job.modelId ?? 'the new default'}: ${job.done} of ${job.total}${failed}`
            : `Rescoring ${job.status.toLowerCase()}: ${job.done} of ${job.total} pieces rescored${failed}${job.error ? ` (${job.error})` : ''}`;
        rescoring.dataset.status = job.status;
    };
    hub('/hubs/status').follow('ScoringJob', rescoring.dataset.jobId, show);
})();
