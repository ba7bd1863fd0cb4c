// The lint step (`npm run lint`, part of `npm test`): no regular expression in src/ may take more
// than linear time, since most of them read feed text, which is untrusted and up to 10 MiB (issue 13).
// Two checkers, since neither sees everything:
// - eslint-plugin-regexp analyses each literal: quantifiers that can trade characters backtrack
//   (no-super-linear-backtracking); a pattern that can fail after reading far is retried at every
//   start position (no-super-linear-move);
// - eslint-plugin-redos runs recheck, which also finds exponential cases such as a lazy
//   `[\s\S]*?` inside a repeated group, and lazy scans that never find their end.
// A pattern built at run time (`new RegExp`) is not checked: keep those over trusted text only.
import tsParser from '@typescript-eslint/parser';
import redos from 'eslint-plugin-redos';
import regexp from 'eslint-plugin-regexp';

export default [
  {
    files: ['src/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { regexp, redos },
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignorePartial: false, ignoreSticky: false }],
      'regexp/no-misleading-capturing-group': 'error',
      'redos/no-vulnerable': 'error',
      // On purpose where it is found: a disable comment says why.
      'no-control-regex': 'error',
    },
  },
];
