// Runs the real CLI in process against a temporary folder, capturing what it prints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';

export const THEMES_FILE = resolve(import.meta.dirname, '../../config/themes.yaml');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stopSignal?: Promise<void> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: options.env ?? { VEILLE_NOW: '2026-11-26T08:00:00Z' },
    cwd: options.cwd ?? process.cwd(),
    output: { out: (text) => (stdout += text), err: (text) => (stderr += text), isTerminal: false },
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
  });
  return { code, stdout, stderr };
}

export interface TempProject {
  dir: string;
  configFile: string;
  writeConfig(yaml: string): string;
  cleanup(): void;
}

/** A temporary folder holding a config file; quiet logs so test output stays readable. */
export function makeTempProject(): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'veille-test-'));
  const configFile = join(dir, 'veille.yaml');
  return {
    dir,
    configFile,
    writeConfig(yaml) {
      // State and output stay inside the temporary folder unless the test says otherwise.
      const defaults = [
        /^storage:/m.test(yaml) ? '' : 'storage: { path: data/veille.db }',
        /^publish:/m.test(yaml) ? '' : 'publish: { dir: public }',
        // Test feeds link to example.org: no article page is fetched (no test touches the network) unless asked.
        /^fullText:/m.test(yaml) ? '' : 'fullText: { maxPerCycle: 0 }',
      ].filter((line) => line !== '');
      writeFileSync(configFile, [yaml, ...defaults, `themes: ${JSON.stringify(THEMES_FILE)}`, 'log: { level: warn }', ''].join('\n'));
      return configFile;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
