// The one escaping template helper for every page: values are escaped unless they are SafeHtml,
// so text from feeds can never become markup by accident.

import { replaceBySlices } from './slices.js';

let wrap: (value: string) => SafeHtml;

/** HTML that is already safe to insert: built by `html` or declared trusted with `rawHtml`. */
export class SafeHtml {
  readonly #value: string;

  private constructor(value: string) {
    this.#value = value;
  }

  static {
    wrap = (value) => new SafeHtml(value);
  }

  toString(): string {
    return this.#value;
  }
}

// Control characters (other than tab and newlines) are parse errors in HTML and never text.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return replaceBySlices(text, escapeHtmlSlice);
}

function escapeHtmlSlice(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(renderValue).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${text}</p>\``. Arrays are joined; null, undefined and false render nothing. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) {
    out += renderValue(values[i]) + (strings[i + 1] ?? '');
  }
  return wrap(out);
}

/** Marks HTML as safe without escaping. Only for HTML the sanitizer already produced. */
export function rawHtml(trusted: string): SafeHtml {
  return wrap(trusted);
}
