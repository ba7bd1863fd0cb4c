// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each a JSON text ended by NUL), for
// the e2e suite: load a page at a width, run axe-core in it, take a full-page screenshot. No port is
// opened and no library is needed: puppeteer-core 25 wants Node 22, and 24 brings 80 packages.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';

/** How long one DevTools command may take before the test fails. */
const COMMAND_TIMEOUT_MS = 30_000;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** The CSS selectors of the offending nodes. */
  readonly targets: readonly string[];
}

type Message = { id?: number; method?: string; sessionId?: string; result?: unknown; error?: { message: string }; params?: unknown };

export class Browser {
  readonly #child: ChildProcess;
  readonly #profile: string;
  readonly #input: Writable;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Set<(message: Message) => void>();

  private constructor(child: ChildProcess, profile: string) {
    this.#child = child;
    this.#profile = profile;
    this.#input = child.stdio[3] as Writable;
    let buffered = '';
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\0'); end !== -1; end = buffered.indexOf('\0')) {
        this.#receive(JSON.parse(buffered.slice(0, end)) as Message);
        buffered = buffered.slice(end + 1);
      }
    });
    child.on('exit', () => {
      for (const { reject } of this.#pending.values()) reject(new Error('chromium exited'));
      this.#pending.clear();
    });
  }

  static async launch(): Promise<Browser> {
    const profile = await mkdtemp(join(tmpdir(), 'veille-cdp-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--remote-debugging-pipe',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], env },
    );
    return new Browser(child, profile);
  }

  #receive(message: Message): void {
    if (message.id !== undefined) {
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(`chromium: ${message.error.message}`));
      else waiting?.resolve(message.result);
      return;
    }
    for (const listener of this.#listeners) listener(message);
  }

  send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`chromium: ${method} took more than ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** The next event `method` of the session, within the command timeout. */
  waitFor(method: string, sessionId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`chromium: no ${method} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      const listener = (message: Message) => {
        if (message.method !== method || message.sessionId !== sessionId) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve();
      };
      this.#listeners.add(listener);
    });
  }

  /** A new tab of `width` × `height` CSS pixels (a phone's when narrower than 600), in the light or dark scheme. */
  async newPage(width: number, height: number, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    await this.send('Page.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 600 }, sessionId);
    await this.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: scheme }] }, sessionId);
    return new Page(this, sessionId, width, height);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) resolve();
      else this.#child.once('exit', () => resolve());
    });
    this.send('Browser.close').catch(() => undefined);
    // The profile is removed once Chromium has stopped writing into it.
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000))]);
    if (!stopped) {
      this.#child.kill('SIGKILL');
      await exited;
    }
    await rm(this.#profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

export class Page {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
    readonly width: number,
    readonly height: number,
  ) {}

  async goto(url: string): Promise<void> {
    const loaded = this.browser.waitFor('Page.loadEventFired', this.sessionId);
    await this.browser.send('Page.navigate', { url }, this.sessionId);
    await loaded;
  }

  /** Shows `html` as the document (an email's HTML part), with no URL of its own. */
  async setContent(html: string): Promise<void> {
    await this.goto('about:blank');
    const { frameTree } = await this.browser.send<{ frameTree: { frame: { id: string } } }>('Page.getFrameTree', {}, this.sessionId);
    await this.browser.send('Page.setDocumentContent', { frameId: frameTree.frame.id, html }, this.sessionId);
  }

  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.browser.send<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.sessionId,
    );
    if (answer.exceptionDetails) throw new Error(`chromium: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
    return answer.result.value;
  }

  /** axe-core's violations (its default rules: WCAG 2.x A and AA and best practices) on the page as it is, less `skip`. */
  async axe(skip: readonly string[] = []): Promise<AxeViolation[]> {
    // Evaluated by DevTools, which the page's Content-Security-Policy does not govern.
    const rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
    const run = `(async () => {
      const result = await axe.run(document, { resultTypes: ['violations'], rules: ${JSON.stringify(rules)} });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    })()`;
    await this.evaluate(`${AXE_SOURCE};0`);
    return this.evaluate<AxeViolation[]>(run);
  }

  /** A PNG of the whole page at its width, at most `maxHeight` pixels tall. */
  async screenshot(maxHeight = 8_000): Promise<Buffer> {
    const metrics = await this.browser.send<{ cssContentSize: { height: number } }>('Page.getLayoutMetrics', {}, this.sessionId);
    const height = Math.min(Math.ceil(metrics.cssContentSize.height), maxHeight);
    const { data } = await this.browser.send<{ data: string }>(
      'Page.captureScreenshot',
      { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: this.width, height, scale: 1 } },
      this.sessionId,
    );
    return Buffer.from(data, 'base64');
  }
}
