// The flags and environment bin/veille.js's first line gives node, so that a bench runs veille as
// the bin does, whatever the line says.

/** `#!/usr/bin/env -S NAME=VALUE… node FLAG…`: the flags after node and the NAME=VALUE pairs before it. */
export function readNodeLine(script: string, file: string): { flags: string[]; env: Record<string, string> } {
  const words = (script.split('\n', 1)[0] ?? '').split(' ').filter((word) => word !== '');
  const node = words.indexOf('node');
  if (!words[0]?.startsWith('#!') || node < 0) throw new Error(`bench: ${file}: the first line does not start node`);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, node)) {
    const equals = word.indexOf('=');
    if (equals > 0) env[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return { flags: words.slice(node + 1), env };
}
