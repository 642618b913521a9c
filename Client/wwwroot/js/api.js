// The site's HTTP API as the pages use it: one request function and one shape for a refusal. An answer that is not
// 2xx becomes an ApiError whose message is the problem in words (application/problem+json: each field with its
// messages, else its detail or title, else the HTTP status), with the status, the problem and Retry-After (seconds)
// kept for callers that act on them; a request that could not be sent becomes one with status 0.

export class ApiError extends Error {
    constructor(status, problem, retryAfter = null) {
        super(problemText(problem, status));
        this.name = "ApiError";
        this.status = status;
        this.problem = problem;
        this.retryAfter = retryAfter;
    }
}

// A problem+json answer in words: "field: message message; field: message", else its detail or title.
export function problemText(problem, status) {
    if (problem?.errors) return Object.entries(problem.errors).map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`).join("; ");
    return problem?.detail || problem?.title || `The request failed (HTTP ${status}).`;
}

// Sends a request and resolves to the answer: parsed JSON (null when it has no body), or its text with as: "text".
// json: a body sent as JSON; body: any other body (FormData, Blob). Rejects with an ApiError.
export async function api(url, { method = "GET", json, body, as = "json" } = {}) {
    const headers = { accept: as === "json" ? "application/json" : "*/*" };
    if (json !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
        response = await fetch(url, { method, headers, body: json !== undefined ? JSON.stringify(json) : body });
    } catch (error) {
        throw new ApiError(0, { title: `The request could not be sent: ${error.message}` });
    }
    if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new ApiError(response.status, problem, Number(response.headers.get("Retry-After")) || null);
    }
    if (as === "text") return response.text();
    const text = await response.text();
    return text === "" ? null : JSON.parse(text);
}

// A path segment from a value (an id typed or read from the page).
export const segment = value => encodeURIComponent(value);
