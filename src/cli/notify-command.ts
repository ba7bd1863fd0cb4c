// `veille notify test NAME`: a sample sent to one webhook (issue 21), and what went out and came
// back printed, so that a user can check the wiring. Exit 0 on a 2xx answer, 1 when the target
// failed or refused it, 2 for a name not configured or a secret not in the environment.
import type { App } from '../app/app.js';
import { notifyDepsOf, sendTestNotification, shownTarget } from '../app/notify-step.js';
import type { Output } from './output.js';

export interface NotifyCommandContext {
  readonly output: Output;
  readonly open: () => App;
}

export async function runNotifyTestCommand(name: string, ctx: NotifyCommandContext): Promise<number> {
  const app = ctx.open();
  try {
    const { target, sent, result } = await sendTestNotification(notifyDepsOf(app), name);
    const lines = [
      `${sent.method} ${shownTarget(sent.url)} (${target.name}, format ${target.format}, ${Buffer.byteLength(sent.body)} bytes)`,
      // The URL's path and the access token are secrets: shown by their place only.
      ...Object.entries(result.headers).map(([header, value]) => `${header}: ${header === 'authorization' ? 'Bearer …' : value}`),
      '',
      JSON.stringify(JSON.parse(sent.body), null, 2),
      '',
      result.status === null ? `no answer: ${result.error ?? ''}` : `answer: HTTP ${result.status}`,
      ...(result.answer.trim() === '' ? [] : [result.answer.trim()]),
    ];
    ctx.output.out(`${lines.join('\n')}\n`);
    if (!result.ok) ctx.output.err(`veille: ${result.error ?? ''}\n`);
    return result.ok ? 0 : 1;
  } finally {
    app.close();
  }
}
