// Watches one generation session through the generation hub (hub.js): onSnapshot(snapshot) once, then
// onUpdate(update) for every update after it, each once and in sequence order. An update that comes early (before the
// snapshot, or past one still on its way) waits for its turn; a gap that stays (a lost connection loses its group's
// messages) is filled from a fresh snapshot: what the page has not shown yet, as one update. After a reconnection the
// same refill runs at once. Nothing older is ever dropped for a newer one. A hub follows one session at a time: a
// later watch on it replaces the earlier one (the studio's next session, the overlay's newest).
export async function watchGeneration(hub, sessionId, onSnapshot, onUpdate) {
    const gapWait = 3000;
    let seen = -1, notes = 0, bars = 0, ended = false, gapTimer = null;
    const waiting = new Map();
    const current = () => hub.watchedSession === sessionId;
    const over = s => s.status !== "Running" && s.status !== "Pending";
    function apply(u) {
        seen = u.sequence; notes += u.notes.length; bars += u.barScores.length; ended = over(u);
        onUpdate(u);
    }
    function drain() {
        while (waiting.has(seen + 1)) { const u = waiting.get(seen + 1); waiting.delete(seen + 1); apply(u); }
        for (const k of [...waiting.keys()]) if (k <= seen) waiting.delete(k);
        clearTimeout(gapTimer);
        if (waiting.size > 0 && !ended) gapTimer = setTimeout(refill, gapWait);
    }
    async function refill() {
        if (!current() || ended || seen < 0) return; // before the snapshot, the first Watch below is the catch-up
        try {
            const s = await hub.invoke("Watch", sessionId);
            if (current() && s && s.sequence > seen) apply({ ...s, notes: s.notes.slice(notes), barScores: s.barScores.slice(bars) });
        } catch { /* the next gap or reconnection tries again */ }
        if (current()) drain();
    }
    hub.watchedSession = sessionId;
    hub.refillWatch = refill;
    if (!hub.refillsOnReconnect) {
        hub.refillsOnReconnect = true;
        hub.whenConnected(() => hub.refillWatch?.());
    }
    hub.off("update");
    hub.on("update", u => {
        if (u.sessionId !== sessionId || u.sequence <= seen) return;
        waiting.set(u.sequence, u);
        if (seen >= 0) drain();
    });
    await hub.ready();
    const snapshot = await hub.invoke("Watch", sessionId);
    if (!snapshot || !current()) return;
    seen = snapshot.sequence; notes = snapshot.notes.length; bars = snapshot.barScores.length; ended = over(snapshot);
    onSnapshot(snapshot);
    drain();
}
