// How long a feed may take to parse on its thread: read by the cycle on the main thread, which
// therefore does not load the parser itself (process-feed.ts, run on the threads, does).

/**
 * processing.parseTimeoutMs plus parseTimeoutMsPerMiB for each MiB of the feed's text (UTF-8): the
 * bytes' own length when the job carries the UTF-8 bytes (process-feed.ts FeedJob), with no pass over them.
 */
export function parseDeadlineMs(limits: { parseTimeoutMs: number; parseTimeoutMsPerMiB: number }, text: string | Uint8Array): number {
  const bytes = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.byteLength;
  return Math.round(limits.parseTimeoutMs + (limits.parseTimeoutMsPerMiB * bytes) / (1024 * 1024));
}

/** The threads and deadline a cycle's feed processor runs with, from the config's `processing`. */
export function processorOptions(processing: { threads: number; parseTimeoutMs: number; parseTimeoutMsPerMiB: number }): {
  readonly threads: number;
  readonly deadlineMs: (job: { readonly text: string | Uint8Array }) => number;
} {
  return { threads: processing.threads, deadlineMs: (job) => parseDeadlineMs(processing, job.text) };
}
