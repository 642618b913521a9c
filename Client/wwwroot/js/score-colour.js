// The colour of a critic score (0-100) everywhere in the app: red (0) through amber (50) to green (100), grey when a
// bar has no score yet. alpha: 0-1.
"use strict";
window.scoreColour = (score, alpha = 1) => score == null
    ? `hsl(220 10% 55% / ${alpha})`
    : `hsl(${Math.round(1.2 * Math.max(0, Math.min(100, score)))} 70% 45% / ${alpha})`;
