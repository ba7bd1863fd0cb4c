// Records which Intl constructors run, for the tests that check that a module builds its Intl
// objects on first use (issue 15). Each watched constructor is replaced by a subclass that notes its
// name; `restore` puts the originals back. Intl's members are read-only in the types, not at run time.
import { vi } from 'vitest';

export type IntlName = 'Segmenter' | 'DisplayNames' | 'DateTimeFormat' | 'NumberFormat' | 'PluralRules';

export interface IntlWatch {
  /** The names of the constructors called since `watch`, in order. */
  readonly built: string[];
  /** Watches the given constructors afresh (a new `built`) and resets the module registry. */
  watch(): void;
  restore(): void;
}

export function watchIntl(names: readonly IntlName[]): IntlWatch {
  const intl = Intl as unknown as Record<IntlName, new (...args: never[]) => object>;
  const originals = Object.fromEntries(names.map((name) => [name, intl[name]])) as Record<IntlName, new (...args: unknown[]) => object>;
  const built: string[] = [];
  return {
    built,
    watch() {
      built.length = 0;
      for (const name of names) {
        const Original = originals[name];
        intl[name] = class extends Original {
          constructor(...args: unknown[]) {
            super(...args);
            built.push(name);
          }
        };
      }
      vi.resetModules();
    },
    restore() {
      for (const name of names) intl[name] = originals[name];
      vi.resetModules();
    },
  };
}
