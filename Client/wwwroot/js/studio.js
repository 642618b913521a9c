"use strict";
(function () {
    const form = document.getElementById("generate-form");
    if (!form) return;
    const roll = new PianoRoll(document.getElementById("piano-roll"));
    const player = new LivePlayer();
    const status = document.getElementById("generation-status");
    const meter = document.getElementById("bar-scores");
    const latest = document.getElementById("latest-score");
    const cancel = document.getElementById("cancel-button");
    const pieceLink = document.getElementById("piece-link");
    const errors = document.getElementById("form-errors");
    const connection = new signalR.HubConnectionBuilder().withUrl("/hubs/generation").withAutomaticReconnect().build();
    let session = null, notes = 0, seenSequence = 0;

    function field(name) { const v = form.elements[name].value.trim(); return v === "" ? null : v; }
    function showBar(bar, score) {
        roll.setBarScore(bar, score);
        appendBarScore(meter, bar, score);
        latest.textContent = score.toFixed(0);
        latest.style.width = `${Math.max(3, score)}%`;
        latest.style.background = scoreColour(score);
    }
    function showStatus(s, tokens) {
        status.textContent = `${s} · ${tokens} tokens · ${notes} notes`;
        status.dataset.status = s;
    }
    function apply(u) {
        if (u.sequence <= seenSequence) return;
        seenSequence = u.sequence;
        roll.add(u.notes); player.play(u.notes); notes += u.notes.length;
        for (const b of u.barScores) showBar(b.bar, b.score);
        showStatus(u.status, u.tokens);
        if (u.status !== "Running") finish(u.status, u.pieceId, u.overallScore, u.error);
    }
    function finish(s, pieceId, overall, error) {
        cancel.disabled = true;
        form.querySelector("button[type=submit]").disabled = false;
        if (pieceId) {
            pieceLink.href = `/pieces/${pieceId}`;
            pieceLink.textContent = `Open the piece${overall != null ? ` (score ${overall.toFixed(0)})` : ""}`;
            pieceLink.classList.remove("d-none");
        }
        if (error) { errors.textContent = error; }
    }
    async function readPrimer() {
        const input = form.elements["primerFile"];
        if (!input.files || input.files.length === 0) return null;
        const bytes = new Uint8Array(await input.files[0].arrayBuffer());
        let text = ""; for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text);
    }
    form.addEventListener("submit", async e => {
        e.preventDefault();
        errors.textContent = "";
        await player.start();
        const body = {
            bars: parseInt(field("bars") || "0", 10),
            temperature: field("temperature") === null ? null : parseFloat(field("temperature")),
            topK: field("topK") === null ? null : parseInt(field("topK"), 10),
            topP: field("topP") === null ? null : parseFloat(field("topP")),
            seed: field("seed") === null ? null : parseInt(field("seed"), 10),
            candidates: field("candidates") === null ? null : parseInt(field("candidates"), 10),
            modelId: field("modelId"),
            primerPieceId: field("primerPieceId"),
            primerMidi: await readPrimer(),
        };
        const response = await fetch("/api/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        const result = await response.json();
        if (response.status !== 202) {
            errors.textContent = result.errors ? Object.entries(result.errors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : (result.detail || result.title);
            return;
        }
        session = result.id; notes = 0; seenSequence = 0;
        roll.clear(); meter.replaceChildren(); pieceLink.classList.add("d-none");
        latest.textContent = "–"; latest.style.width = "3%";
        cancel.disabled = false;
        form.querySelector("button[type=submit]").disabled = true;
        showStatus("Running", 0);
        await watchGeneration(connection, session, snap => {
            // Catch up with what happened before the watch began.
            seenSequence = snap.sequence;
            roll.add(snap.notes); player.play(snap.notes); notes += snap.notes.length;
            for (const b of snap.barScores) showBar(b.bar, b.score);
            showStatus(snap.status, snap.tokens);
            if (snap.status !== "Running") finish(snap.status, snap.pieceId, snap.overallScore, snap.error);
        }, apply);
    });
    cancel.addEventListener("click", async () => {
        if (!session) return;
        await fetch(`/api/generations/${session}/cancel`, { method: "POST" });
        player.stop();
    });
})();
