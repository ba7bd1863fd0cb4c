// Where a process's resident memory is (issue 15, the soak under 120 MB): /proc/self/smaps summed
// by kind of mapping, and the main thread's V8 heap by space. Linux only: elsewhere, the V8 part.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** Resident bytes of each kind of mapping in smaps' text: the node binary, other files, the brk heap, anonymous. */
export function sumSmaps(text: string, executable: string): Map<string, number> {
  const parts = new Map<string, number>();
  let kind = 'anonymous (V8 heaps, thread stacks, mmap arenas)';
  for (const line of text.split('\n')) {
    // A mapping's header: "start-end perms offset dev inode [path]", padded with spaces; its
    // fields follow, "Name: value kB".
    const words = line.split(' ').filter((word) => word !== '');
    if (words.length >= 5 && /^[0-9a-f]+-[0-9a-f]+$/.test(words[0] ?? '')) {
      const [, perms = '', , , inode = '0'] = words;
      const path = words.slice(5).join(' ');
      if (path === '[heap]') kind = 'main malloc arena ([heap])';
      else if (path === executable) kind = perms.includes('x') ? 'node binary, code (file)' : 'node binary, data: ICU, snapshot (file)';
      else if (inode !== '0') kind = path.endsWith('.node') ? 'native addons (file)' : 'other files (libraries)';
      else if (path.startsWith('[')) kind = 'stacks, vdso';
      else kind = 'anonymous (V8 heaps, thread stacks, mmap arenas)';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss !== null) parts.set(kind, (parts.get(kind) ?? 0) + Number(rss[1]) * 1024);
  }
  return parts;
}

/** This process's resident parts, then the main thread's V8 heap: in use, and resident by space. */
export function residentParts(): Array<[string, number]> {
  const parts: Array<[string, number]> = [];
  try {
    parts.push(...sumSmaps(readFileSync('/proc/self/smaps', 'utf8'), process.execPath));
  } catch {
    // not Linux: the V8 part only
  }
  parts.push(['main V8 heap, in use', getHeapStatistics().used_heap_size]);
  for (const space of getHeapSpaceStatistics()) parts.push([`main V8 ${space.space_name}, resident`, space.physical_space_size]);
  return parts;
}
