// A fixed-window counter per key (a client's address) in bounded memory: at most `maxKeys` keys;
// when full, the key whose window started first is dropped, so a flood of new keys costs memory up
// to the bound and no more.

export interface RateLimiter {
  /** True when one more request under `key` is allowed now (and counts it). */
  allow(key: string, now: number): boolean;
  readonly size: number;
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  // Keys are inserted when their window starts, so the first key of the Map has the oldest window:
  // dropping it when full is O(1) and drops an ended window before any running one.
  const makeRoom = () => {
    const oldest = windows.keys().next().value;
    if (oldest !== undefined) windows.delete(oldest);
  };
  return {
    allow(key, now) {
      let window = windows.get(key);
      if (window !== undefined && now - window.start >= options.windowMs) {
        windows.delete(key);
        window = undefined;
      }
      if (window === undefined) {
        if (windows.size >= options.maxKeys) makeRoom();
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      window.count += 1;
      return window.count <= options.limit;
    },
    get size() {
      return windows.size;
    },
  };
}
