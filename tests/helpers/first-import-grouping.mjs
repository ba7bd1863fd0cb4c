// A first import's grouping in a process of its own (tests/cluster/first-import-grouping.test.ts):
// groupStoredStories of the compiled dist/, over a store that holds only the fresh items read from
// the JSON file given (their signatures computed here, as the processing thread stores them).
// Prints the grouping's summary and a SHA-256 of its assignments, sorted. Run with a capped heap
// (--max-old-space-size), it ends with V8's out-of-memory error when grouping holds more than that.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const dist = new URL('../../dist/', import.meta.url);
const { computeTextSignature, encodeTextSignature } = await import(new URL('cluster/features.js', dist).href);
const { groupStoredStories } = await import(new URL('app/group-stored-stories.js', dist).href);

const file = process.argv[2];
const now = new Date(process.argv[3]);
let assignments = [];
const store = {
  listUngroupedItems: (keep = (item) => item) =>
    JSON.parse(readFileSync(file, 'utf8')).map((item) =>
      keep({
        ...item,
        storyId: null,
        textSignature: encodeTextSignature(computeTextSignature(item.title, item.summary)),
      }),
    ),
  eachGroupedSince: () => undefined,
  applyStoryAssignments: (decided) => {
    assignments = decided;
  },
};
const summary = groupStoredStories(store, now);
const digest = createHash('sha256').update(assignments.map((assignment) => JSON.stringify(assignment)).sort().join('\n')).digest('hex');
process.stdout.write(`${JSON.stringify({ ...summary, assignments: assignments.length, digest })}\n`);
