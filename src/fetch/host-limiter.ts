// Politeness: caps requests in flight overall and per host, and spaces the starts of requests to
// one host by a delay. Waiting tasks start in FIFO order; a busy host never holds up the others.

export interface HostLimiter {
  run<T>(url: string, task: () => Promise<T>): Promise<T>;
}

export interface HostLimits {
  globalConcurrency: number;
  perHostConcurrency: number;
  /** Minimum time between the starts of two tasks on the same host. */
  perHostDelayMs: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = Object.freeze({
  globalConcurrency: 16,
  perHostConcurrency: 2,
  perHostDelayMs: 250,
});

interface Waiting {
  readonly host: string;
  readonly start: () => void;
}

interface HostState {
  running: number;
  lastStartAt: number;
}

export function createHostLimiter(options: HostLimits): HostLimiter {
  const globalConcurrency = Math.max(1, Math.floor(options.globalConcurrency));
  const perHostConcurrency = Math.max(1, Math.floor(options.perHostConcurrency));
  const perHostDelayMs = Math.max(0, options.perHostDelayMs);
  const queue: Waiting[] = [];
  const hosts = new Map<string, HostState>();
  let running = 0;
  let wakeTimer: NodeJS.Timeout | null = null;

  const readHost = (host: string): HostState => {
    let state = hosts.get(host);
    if (state === undefined) {
      state = { running: 0, lastStartAt: Number.NEGATIVE_INFINITY };
      hosts.set(host, state);
    }
    return state;
  };

  /** Starts every waiting task that may start now, oldest first; sets one timer for the next host delay. */
  const dispatch = (): void => {
    if (wakeTimer !== null) {
      clearTimeout(wakeTimer);
      wakeTimer = null;
    }
    const now = performance.now();
    let nextWakeAt = Number.POSITIVE_INFINITY;
    for (let index = 0; index < queue.length && running < globalConcurrency; ) {
      const waiting = queue[index] as Waiting;
      const state = readHost(waiting.host);
      const readyAt = state.lastStartAt + perHostDelayMs;
      if (state.running >= perHostConcurrency) {
        index += 1;
      } else if (readyAt > now) {
        nextWakeAt = Math.min(nextWakeAt, readyAt);
        index += 1;
      } else {
        queue.splice(index, 1);
        state.running += 1;
        state.lastStartAt = now;
        running += 1;
        waiting.start();
      }
    }
    if (nextWakeAt !== Number.POSITIVE_INFINITY && running < globalConcurrency) {
      wakeTimer = setTimeout(dispatch, Math.max(0, Math.ceil(nextWakeAt - now)));
    }
  };

  const finish = (host: string): void => {
    const state = readHost(host);
    state.running -= 1;
    running -= 1;
    // Forget idle hosts once their delay is over, so a long-lived limiter does not grow without end.
    if (state.running === 0 && performance.now() - state.lastStartAt >= perHostDelayMs) hosts.delete(host);
    dispatch();
  };

  return {
    run<T>(url: string, task: () => Promise<T>): Promise<T> {
      const host = readHostKey(url);
      return new Promise<T>((resolve, reject) => {
        queue.push({
          host,
          start: () => {
            Promise.resolve()
              .then(task)
              .then(resolve, reject)
              .finally(() => finish(host));
          },
        });
        dispatch();
      });
    },
  };
}

/** hostname:port, with the scheme's default port made explicit; unparsable URLs share one key. */
export function readHostKey(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
    return `${parsed.hostname.toLowerCase()}:${port}`;
  } catch {
    return '';
  }
}
