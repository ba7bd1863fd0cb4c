// Test helper: reads each published surface back with real parsers (htmlparser2 for HTML and for
// the escaped HTML inside feeds, JSON.parse for JSON Feed) and lists everything that could run
// script or load a hostile URL. Values are checked decoded, as a browser or feed reader sees them.

import { DomUtils, parseDocument } from 'htmlparser2';
import type { Surface } from './pipeline.js';

type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];

/** Elements that run script, embed another document, submit data, or restyle/rebase the page. Sorted. */
const FORBIDDEN_ELEMENTS = new Set([
  'applet', 'base', 'embed', 'form', 'frame', 'frameset', 'iframe', 'link', 'math', 'object', 'script',
  'style', 'svg',
]);

/** Attributes whose value is a URL a browser may load or navigate to. Sorted. */
const URL_ATTRIBUTES = new Set([
  'action', 'background', 'cite', 'codebase', 'data', 'dynsrc', 'formaction', 'href', 'longdesc', 'lowsrc',
  'ping', 'poster', 'src', 'srcset', 'usemap', 'xlink:href',
]);

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The scheme a browser would use: WHATWG URL parsing drops leading/trailing C0 controls and spaces
 * and every tab and newline, so `jav&#x09;ascript:` and ` javascript:` are still javascript:.
 */
export function effectiveScheme(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  return match?.[1]?.toLowerCase() ?? null;
}

/** Everything dangerous in an HTML document or fragment, one line each (empty when safe). */
export function htmlViolations(html: string, where: string): string[] {
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  return elementViolations(DomUtils.getElementsByTagName(() => true, document.children, true), where);
}

function elementViolations(elements: readonly Element[], where: string): string[] {
  const out: string[] = [];
  for (const element of elements) {
    const name = element.name.toLowerCase();
    if (FORBIDDEN_ELEMENTS.has(name)) out.push(`${where}: <${name}>`);
    if (name === 'meta' && element.attribs['http-equiv'] !== undefined) {
      out.push(`${where}: <meta http-equiv="${element.attribs['http-equiv']}">`);
    }
    for (const [rawName, value] of Object.entries(element.attribs)) {
      const attribute = rawName.toLowerCase();
      if (attribute.startsWith('on')) out.push(`${where}: <${name} ${attribute}>`);
      else if (attribute === 'style') out.push(`${where}: <${name} style="${value}">`);
      else if (attribute === 'srcdoc') out.push(`${where}: <${name} srcdoc>`);
      else if (URL_ATTRIBUTES.has(attribute)) {
        const scheme = effectiveScheme(value);
        if (scheme !== null && !SAFE_SCHEMES.has(scheme)) out.push(`${where}: <${name} ${attribute}="${value}">`);
      }
    }
  }
  return out;
}

/** A URL published as a link or image of a feed: absolute http(s) only. */
function urlViolations(value: string | undefined, where: string): string[] {
  if (value === undefined) return [];
  const scheme = effectiveScheme(value);
  return scheme === 'http' || scheme === 'https' ? [] : [`${where}: URL "${value}"`];
}

function xmlElements(xml: string, name: string): Element[] {
  const document = parseDocument(xml, { xmlMode: true, decodeEntities: true });
  return DomUtils.getElementsByTagName(name, document.children, true);
}

function allXmlElements(xml: string): Element[] {
  const document = parseDocument(xml, { xmlMode: true, decodeEntities: true });
  return DomUtils.getElementsByTagName(() => true, document.children, true);
}

/**
 * RSS elements that hold text a reader may nevertheless render as HTML (RSS 2.0 does not say; many
 * web readers render <title> so, feedparser guesses): a tag there becomes an element. Sorted.
 */
const RSS_TEXT_ELEMENTS = new Set(['author', 'category', 'dc:creator', 'managingEditor', 'source', 'title', 'webMaster']);

/** `<` where the HTML tokenizer opens a tag, comment or end tag (WHATWG HTML §13.2.5.6). */
const TAG_OPEN = /<[A-Za-z!/?][^<]{0,30}/;

/** Text (already XML-decoded) that an HTML renderer would read as markup. */
export function markupInText(text: string, where: string): string[] {
  const tag = TAG_OPEN.exec(text);
  return tag === null ? [] : [`${where}: markup "${tag[0]}"`];
}

function rssViolations(xml: string): string[] {
  const out: string[] = [];
  for (const element of allXmlElements(xml)) {
    const text = DomUtils.textContent(element);
    const where = `rss <${element.name}>`;
    if (RSS_TEXT_ELEMENTS.has(element.name)) out.push(...markupInText(text, where));
    if (element.name === 'description' || element.name === 'content:encoded') out.push(...htmlViolations(text, where));
    else if (element.name === 'link' || element.name === 'comments') out.push(...urlViolations(text, where));
    for (const attribute of ['href', 'url', 'src']) out.push(...urlViolations(element.attribs[attribute], `${where} @${attribute}`));
  }
  return out;
}

function atomViolations(xml: string): string[] {
  const out: string[] = [];
  for (const element of allXmlElements(xml)) {
    const where = `atom <${element.name}>`;
    const type = element.attribs.type;
    if (['content', 'summary', 'title', 'subtitle', 'rights'].includes(element.name)) {
      if (type === 'html') out.push(...htmlViolations(DomUtils.textContent(element), where));
      else if (type === 'xhtml') out.push(`${where}: xhtml content is never published`);
      // RFC 4287 §3.1.1: no type is text; any other value would let a reader guess.
      else if (type !== undefined && type !== 'text') out.push(`${where}: type "${type}"`);
    }
    if (element.name === 'link') out.push(...urlViolations(element.attribs.href, `${where} @href`));
    if (element.name === 'entry' || element.name === 'feed') {
      const lang = element.attribs['xml:lang'];
      if (lang !== undefined && !/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(lang)) out.push(`${where}: xml:lang "${lang}"`);
    }
  }
  return out;
}

interface JsonFeedItem {
  readonly content_html?: unknown;
  readonly url?: unknown;
  readonly external_url?: unknown;
  readonly image?: unknown;
  readonly banner_image?: unknown;
}

function jsonViolations(text: string): string[] {
  const feed = JSON.parse(text) as { home_page_url?: unknown; feed_url?: unknown; items: JsonFeedItem[] };
  const out: string[] = [];
  const url = (value: unknown, where: string): string[] =>
    value === undefined ? [] : typeof value === 'string' ? urlViolations(value, where) : [`${where}: not a string`];
  out.push(...url(feed.home_page_url, 'json home_page_url'), ...url(feed.feed_url, 'json feed_url'));
  feed.items.forEach((item, i) => {
    if (item.content_html !== undefined) out.push(...htmlViolations(String(item.content_html), `json items[${i}].content_html`));
    for (const key of ['url', 'external_url', 'image', 'banner_image'] as const) out.push(...url(item[key], `json items[${i}].${key}`));
  });
  return out;
}

function opmlViolations(xml: string): string[] {
  return xmlElements(xml, 'outline').flatMap((outline) => [
    ...urlViolations(outline.attribs.xmlUrl, 'opml @xmlUrl'),
    ...urlViolations(outline.attribs.htmlUrl, 'opml @htmlUrl'),
  ]);
}

/**
 * The page template's own elements that the rules above would flag: its CSP `<meta http-equiv>`,
 * its one inline `<style>` (allowed by hash in that CSP) and its feed `<link rel="alternate">`s.
 */
function isPageTemplateElement(line: string): boolean {
  return (
    line === 'page: <meta http-equiv="Content-Security-Policy">' || line === 'page: <style>' || line === 'page: <link>'
  );
}

function pageViolations(html: string): string[] {
  const out = htmlViolations(html, 'page').filter((line) => !isPageTemplateElement(line));
  // The template's own head elements appear once each; a second one came from a feed.
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
  const count = (name: string): number => DomUtils.getElementsByTagName(name, document.children, true).length;
  if (count('style') !== 1) out.push(`page: ${count('style')} <style> elements`);
  const body = DomUtils.getElementsByTagName('body', document.children, true)[0];
  if (body !== undefined) {
    const inBody = DomUtils.getElementsByTagName(() => true, body.children, true);
    for (const element of inBody) {
      if (['link', 'meta', 'style'].includes(element.name)) out.push(`page body: <${element.name}>`);
    }
  }
  return out;
}

/** CSS that can run script, load something or escape a declaration: never in a template style. */
const DANGEROUS_CSS = /expression\s*\(|behavior|-moz-binding|url\s*\(|javascript:|@import|\\|[<>]/i;

/**
 * An email's HTML: mail clients only render inline CSS, so the template's own `style` attributes
 * are allowed when they carry nothing dangerous; a `<style>` element or anything else is not.
 */
export function emailViolations(html: string): string[] {
  return htmlViolations(html, 'email').filter((line) => {
    const style = /^email: <[a-z0-9]+ style="(.*)">$/s.exec(line);
    return style === null || DANGEROUS_CSS.test(style[1] ?? '');
  });
}

/** Every violation in one surface, read with the parser its readers use. */
export function surfaceViolations(surface: Surface): string[] {
  // A literal `<script` anywhere in an HTML surface is a failure even if the parser read it otherwise.
  const raw = (surface.kind === 'html' || surface.kind === 'email') && /<script/i.test(surface.text) ? [`${surface.name}: raw <script`] : [];
  switch (surface.kind) {
    case 'rss':
      return [...raw, ...rssViolations(surface.text)];
    case 'atom':
      return [...raw, ...atomViolations(surface.text)];
    case 'json':
      return [...raw, ...jsonViolations(surface.text)];
    case 'html':
      return [...raw, ...pageViolations(surface.text)];
    case 'opml':
      return [...raw, ...opmlViolations(surface.text)];
    case 'email':
      return [...raw, ...emailViolations(surface.text)];
  }
}

/**
 * A page of veille's own server for readers (issue 23: unsubscribe, themes, sign-up): the page
 * shell above, plus forms that post back to the page itself (no action attribute, method post,
 * the server's form-action 'self'); one inline `<style>` in the head, no CSP meta (the server sends it).
 */
export function formPageViolations(html: string): string[] {
  const out = htmlViolations(html, 'page').filter((line) => line !== 'page: <style>' && line !== 'page: <form>');
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const count = (name: string): number => DomUtils.getElementsByTagName(name, document.children, true).length;
  if (count('style') !== 1) out.push(`page: ${count('style')} <style> elements`);
  for (const form of DomUtils.getElementsByTagName('form', document.children, true)) {
    if (form.attribs.action !== undefined) out.push(`page: <form action="${form.attribs.action}">`);
    if (form.attribs.method?.toLowerCase() !== 'post') out.push('page: <form> not posted');
    for (const attribute of ['target', 'enctype']) if (form.attribs[attribute] !== undefined) out.push(`page: <form ${attribute}>`);
  }
  const body = DomUtils.getElementsByTagName('body', document.children, true)[0];
  for (const element of body === undefined ? [] : DomUtils.getElementsByTagName(() => true, body.children, true)) {
    if (['link', 'meta', 'style'].includes(element.name)) out.push(`page body: <${element.name}>`);
    if (element.attribs.formaction !== undefined) out.push(`page body: <${element.name} formaction>`);
  }
  return out;
}
