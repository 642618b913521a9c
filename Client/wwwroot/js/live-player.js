// Plays notes through Tone.js as they arrive, each at its time from the first note (quarter = 0.5 s at 120 bpm).
/* global Tone */
export class LivePlayer {
    constructor() { this.synth = null; this.origin = null; this.secondsPerQuarter = 0.5; }
    async start() {
        if (!window.Tone) return;
        try {
            await Tone.start();
            this.synth = new Tone.PolySynth(Tone.Synth, { envelope: { attack: 0.01, release: 0.4 } }).toDestination();
            this.synth.volume.value = -12;
        } catch (e) { this.synth = null; }
        this.origin = null;
    }
    play(notes) {
        if (!this.synth) return;
        const now = Tone.now();
        if (this.origin === null) this.origin = now + 0.3;
        for (const n of notes) {
            const at = Math.max(now + 0.05, this.origin + n.start * this.secondsPerQuarter);
            this.synth.triggerAttackRelease(Tone.Frequency(n.pitch, "midi").toFrequency(), n.duration * this.secondsPerQuarter, at, n.velocity / 127);
        }
    }
    stop() { if (this.synth) { this.synth.releaseAll(); } }
}
