// The maps and sets a call makes: Map and Set are replaced for the call by subclasses that count
// their constructions, then put back (tests of allocations per item, issue 15).

/** Runs `run` and returns what it returned with the maps and sets made meanwhile. */
export function countMapsAndSets<T>(run: () => T): { made: { maps: number; sets: number }; result: T } {
  const made = { maps: 0, sets: 0 };
  const { Map: RealMap, Set: RealSet } = globalThis;
  globalThis.Map = class CountedMap<K, V> extends RealMap<K, V> {
    constructor(entries?: readonly (readonly [K, V])[] | null) {
      super(entries);
      made.maps += 1;
    }
  } as MapConstructor;
  globalThis.Set = class CountedSet<V> extends RealSet<V> {
    constructor(values?: readonly V[] | null) {
      super(values);
      made.sets += 1;
    }
  } as SetConstructor;
  try {
    return { made, result: run() };
  } finally {
    globalThis.Map = RealMap;
    globalThis.Set = RealSet;
  }
}
