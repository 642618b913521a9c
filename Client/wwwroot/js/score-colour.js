// How a critic score (0-100) looks everywhere in the app. Its colour: red (0) through amber (50) to green (100), grey
// when a bar has no score yet (alpha: 0-1).
export const scoreColour = (score, alpha = 1) => score == null
    ? `hsl(220 10% 55% / ${alpha})`
    : `hsl(${Math.round(1.2 * Math.max(0, Math.min(100, score)))} 70% 45% / ${alpha})`;

// A bar's score as a coloured badge ("bar 3: 72") appended to container: the studio's meter and the evaluation room.
export const appendBarScore = (container, bar, score) => {
    const cell = document.createElement("span");
    cell.className = "bar-score badge me-1 mb-1";
    cell.dataset.testid = "bar-score";
    cell.style.background = scoreColour(score);
    cell.textContent = `bar ${bar + 1}: ${score.toFixed(0)}`;
    container.appendChild(cell);
};
