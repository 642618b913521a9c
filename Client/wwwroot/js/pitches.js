// MIDI pitches as the pages name and draw them: C4 = 60 (middle C), flats for the black keys but F#/C#, as the
// server's notation does.
export const pitchClassNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
export const noteName = pitch => `${pitchClassNames[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
export const isBlackKey = pitch => [1, 3, 6, 8, 10].includes(pitch % 12);
