import { api } from "./api.js";
import { hub } from "./hub.js";
import { watchGeneration } from "./generation-watch.js";
import { LivePlayer } from "./live-player.js";
import { LiveRoll } from "./live-roll.js";

// Follows the newest session started on this web host; ?audio=1 plays it too.
(function () {
    const roll = new LiveRoll(document.getElementById("obs-roll"), { transparent: true, quarterWidth: 12 });
    const title = document.getElementById("obs-title");
    const scoreText = document.getElementById("obs-score");
    const audio = new URLSearchParams(location.search).get("audio") === "1";
    const player = new LivePlayer();
    const generations = hub("/hubs/generation");
    let current = null, seen = 0;

    function show(notes, bars, status, overall) {
        roll.add(notes); if (audio) player.play(notes);
        for (const b of bars) { roll.setBarScore(b.bar, b.score); scoreText.textContent = `bar ${b.bar + 1}: ${b.score.toFixed(0)}`; }
        if (overall != null) scoreText.textContent = `score ${overall.toFixed(0)}`;
        title.textContent = status === "Running" ? "Generating…" : `Finished (${status})`;
    }
    async function poll() {
        try {
            const latest = await api("/api/generations/latest");
            const id = latest?.id;
            if (id && id !== current) {
                current = id; seen = 0; roll.clear();
                if (audio) await player.start();
                await watchGeneration(generations, id,
                    s => { seen = s.sequence; show(s.notes, s.barScores, s.status, s.overallScore); },
                    u => { if (u.sequence > seen) { seen = u.sequence; show(u.notes, u.barScores, u.status, u.overallScore); } });
            }
        } catch { /* the next poll tries again */ }
        setTimeout(poll, 2000);
    }
    poll();
})();
