// The studio: one live view of a session (status, the roll filling note by note, per-bar scores, the finished
// piece's link, Cancel), fed by whichever way a session starts: the generate form, Harmonise under the melody input
// (melody-input.js), or a session id in the address (?session=..., where the piece page's Regenerate sends the
// listener to watch the rewritten piece arrive).
import { api } from "./api.js";
import { hub } from "./hub.js";
import { watchGeneration } from "./generation-watch.js";
import { LivePlayer } from "./live-player.js";
import { LiveRoll } from "./live-roll.js";
import { MelodyInput } from "./melody-input.js";
import { appendBarScore, scoreColour } from "./score-colour.js";

(function () {
    const form = document.getElementById("generate-form");
    if (!form) return;
    const roll = new LiveRoll(document.getElementById("piano-roll"));
    const player = new LivePlayer();
    const status = document.getElementById("generation-status");
    const meter = document.getElementById("bar-scores");
    const latest = document.getElementById("latest-score");
    const cancel = document.getElementById("cancel-button");
    const pieceLink = document.getElementById("piece-link");
    const errors = document.getElementById("form-errors");
    const generateButton = form.querySelector("button[type=submit]");
    const harmoniseButton = document.getElementById("harmonise");
    const sessionView = document.getElementById("session-view");
    const generations = hub("/hubs/generation");
    let session = null, running = false, label = "", notes = 0, seenSequence = 0, melodyNotes = 0;
    const melody = new MelodyInput(document.getElementById("melody-entry"), { onChange: count => { melodyNotes = count; updateButtons(); } });

    function field(name) { const v = form.elements[name].value.trim(); return v === "" ? null : v; }
    function integer(name) { return field(name) === null ? null : parseInt(field(name), 10); }
    function decimal(name) { return field(name) === null ? null : parseFloat(field(name)); }

    function updateButtons() {
        generateButton.disabled = running;
        harmoniseButton.disabled = running || melodyNotes === 0;
        cancel.disabled = !running;
    }
    function showBar(bar, score) {
        roll.setBarScore(bar, score);
        appendBarScore(meter, bar, score);
        showMeter(score, score.toFixed(0), "Score of the newest bar (0-100)");
    }
    // While the piece grows the meter shows its newest bar; once it is finished, the piece's overall score.
    function showMeter(score, text, title) {
        latest.textContent = text;
        latest.style.width = `${Math.max(3, score)}%`;
        latest.style.background = scoreColour(score);
        latest.parentElement.title = title;
    }
    function showStatus(s, tokens) {
        status.textContent = `${label}${s} · ${tokens} tokens · ${notes} notes`;
        status.dataset.status = s;
    }
    // What a session is, from its request: the status line says so (a session opened from the address has no form).
    function describe(request) {
        if (!request) return "";
        if (request.regeneration) return `Bars ${request.regeneration.fromBar}-${request.regeneration.toBar} of ${request.regeneration.pieceId} rewritten · `;
        if (request.harmonisation) return "Harmonisation · ";
        return "";
    }
    // A snapshot or an update: the notes and bar scores it brings, and whether the session is over.
    function take(s) {
        roll.add(s.notes); player.play(s.notes); notes += s.notes.length;
        for (const b of s.barScores) showBar(b.bar, b.score);
        showStatus(s.status, s.tokens);
        if (s.status !== "Running" && s.status !== "Pending") finish(s);
    }
    function finish(s) {
        running = false;
        updateButtons();
        if (s.pieceId) {
            pieceLink.href = `/pieces/${s.pieceId}`;
            pieceLink.textContent = `Open the piece${s.overallScore != null ? ` (score ${s.overallScore.toFixed(0)})` : ""}`;
            if (s.overallScore != null) showMeter(s.overallScore, `piece ${s.overallScore.toFixed(0)}`, "The finished piece's overall score (0-100)");
            pieceLink.classList.remove("d-none");
        }
        if (s.error) showError(s.error);
    }
    // Errors show under the form, which may be out of sight when the melody input below started the session.
    function showError(text) {
        errors.textContent = text;
        errors.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    // Watches a session from its start: clears the view, catches up with the snapshot, then follows its updates.
    async function watchSession(id) {
        session = id; notes = 0; seenSequence = 0; label = "";
        roll.clear(); meter.replaceChildren(); pieceLink.classList.add("d-none");
        latest.textContent = "–"; latest.style.width = "3%"; latest.style.background = "";
        running = true;
        updateButtons();
        showStatus("Running", 0);
        // The view sits between the two ways of starting a session (the form above, the melody input below): bring
    // it to the listener.
        sessionView.scrollIntoView({ block: "nearest", behavior: "smooth" });
        try {
            await watchGeneration(generations, id, snapshot => {
                seenSequence = snapshot.sequence;
                label = describe(snapshot.request);
                take(snapshot);
            }, update => {
                if (update.sequence <= seenSequence) return;
                seenSequence = update.sequence;
                take(update);
            });
        } catch (error) {
            running = false;
            updateButtons();
            showStatus("Not found", 0);
            showError(`The session ${id} could not be watched: ${error.message}`);
        }
    }

    // Starts a session (a generation or a harmonisation: POST url with body) and watches it.
    async function startSession(url, body) {
        errors.textContent = "";
        await player.start();
        let started;
        try {
            started = await api(url, { method: "POST", json: body });
        } catch (error) {
            showError(error.message); // the refusal in words (each field with its messages), or why it was not sent
            return;
        }
        await watchSession(started.id);
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
        await startSession("/api/generations", {
            bars: parseInt(field("bars") || "0", 10),
            temperature: decimal("temperature"),
            topK: integer("topK"),
            topP: decimal("topP"),
            seed: integer("seed"),
            candidates: integer("candidates"),
            modelId: field("modelId"),
            primerPieceId: field("primerPieceId"),
            primerMidi: await readPrimer(),
        });
    });
    harmoniseButton.addEventListener("click", async () => {
        melody.stop();
        await startSession("/api/harmonisations", {
            melodyNotes: melody.notes(),
            temperature: decimal("temperature"),
            seed: integer("seed"),
            candidates: integer("candidates"),
        });
    });
    cancel.addEventListener("click", async () => {
        if (!session) return;
        try {
            await api(`/api/generations/${session}/cancel`, { method: "POST" });
        } catch (error) {
            showError(error.message);
        }
        player.stop();
    });

    // ?session=<id>: watch that session (silently: browsers start sound only after a click on the page).
    const requested = new URLSearchParams(location.search).get("session");
    if (requested !== null) {
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(requested)) watchSession(requested.toLowerCase());
        else showError(`'${requested}' is not a session id.`);
    }
    updateButtons();
})();
