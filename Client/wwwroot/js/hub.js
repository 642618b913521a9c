// One SignalR connection per hub a page uses, set up one way: it reconnects after any loss with backoff (0.5 s
// doubling to 30 s, never giving up, also when the first start fails), and it shows how it stands in the page's
// live-status indicator ([data-live-status], in the layout's navigation; the OBS overlay has none). Work that must be
// redone on every (re)connection (joining a group, opening a stream) goes to whenConnected; a group's messages sent
// while the connection was down are lost, so that work is also where a page catches up.
/* global signalR */

const firstDelay = 500, longestDelay = 30000;
const backoff = attempt => Math.min(longestDelay, firstDelay * 2 ** attempt) * (0.8 + 0.4 * Math.random());

function showStatus(state, text) {
    for (const element of document.querySelectorAll("[data-live-status]")) {
        element.hidden = false;
        element.dataset.liveStatus = state;
        element.textContent = text;
    }
}

export class Hub {
    constructor(url) {
        this.url = url;
        this.connection = new signalR.HubConnectionBuilder()
            .withUrl(url)
            .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => backoff(context.previousRetryCount) })
            .build();
        this.connectedHandlers = [];
        this.started = null;
        this.connection.onreconnecting(() => showStatus("reconnecting", "reconnecting…"));
        this.connection.onreconnected(() => this.#connected());
        // Automatic reconnection ends only when the connection is stopped; start afresh, still with backoff.
        this.connection.onclose(() => { this.started = null; showStatus("offline", "offline, retrying"); this.ready(); });
    }

    // Resolves once connected (starting the connection the first time).
    ready() {
        this.started ??= this.#start(0);
        return this.started;
    }

    // Runs handler now if connected and after every later (re)connection; starts the connection.
    whenConnected(handler) {
        this.connectedHandlers.push(handler);
        if (this.connection.state === signalR.HubConnectionState.Connected) this.#run(handler);
        this.ready();
    }

    // A server-to-client stream, opened again after every reconnection: next(value) for each value.
    follow(method, ...args) {
        const next = args.pop();
        this.whenConnected(() => this.connection.stream(method, ...args).subscribe({ next, error: () => { }, complete: () => { } }));
    }

    invoke(method, ...args) { return this.connection.invoke(method, ...args); }
    on(method, handler) { this.connection.on(method, handler); }
    off(method) { this.connection.off(method); }

    async #start(attempt) {
        showStatus("connecting", "connecting…");
        for (;;) {
            try {
                await this.connection.start();
                this.#connected();
                return;
            } catch {
                showStatus("offline", "offline, retrying");
                await new Promise(resolve => setTimeout(resolve, backoff(attempt++)));
            }
        }
    }

    #connected() {
        showStatus("live", "live");
        for (const handler of this.connectedHandlers) this.#run(handler);
    }

    #run(handler) {
        Promise.resolve().then(handler).catch(error => console.warn(`${this.url}: ${error.message ?? error}`));
    }
}

// Hubs by URL: the page's scripts share one connection to each hub.
const hubs = new Map();
export function hub(url) {
    if (!hubs.has(url)) hubs.set(url, new Hub(url));
    return hubs.get(url);
}
