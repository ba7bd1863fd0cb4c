// The issue as an email: HTML with inline styles in a table layout (what mail clients render,
// no remote resource) and the plain-text alternative. HTML only through the escaping `html` helper.
import type { SiteLocale } from '../domain/site-locale.js';
import { html, type SafeHtml } from '../publish/html.js';
import type { DigestIssue, DigestStory } from '../domain/digest.js';
import { moreInSection, otherThemes, renderReadOn, themeLabels } from './render-page.js';

export interface EmailLinks {
  /** The issue's web page (absolute). */
  readonly pageUrl: string;
  /** This recipient's unsubscribe page, when configured. */
  readonly unsubscribeUrl: string | null;
  /** Without an unsubscribe page: the sender to write to, the subject that names the recipient, and their mailto: URI. */
  readonly unsubscribeMail: UnsubscribeMail | null;
}

export interface UnsubscribeMail {
  readonly address: string;
  readonly subject: string;
  readonly uri: string;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const S = {
  body: `margin:0;padding:0;background-color:#f3f3f1;${FONT}`,
  outer: 'width:100%;background-color:#f3f3f1;',
  inner: 'width:100%;max-width:640px;background-color:#ffffff;border:1px solid #dddddd;',
  cell: `padding:16px 24px;${FONT}font-size:16px;line-height:24px;color:#1b1b1b;`,
  h1: `margin:0 0 8px 0;${FONT}font-size:24px;line-height:30px;color:#1b1b1b;`,
  h2: `margin:24px 0 8px 0;padding-bottom:4px;border-bottom:2px solid #0b5cad;${FONT}font-size:20px;line-height:26px;color:#1b1b1b;`,
  h3: `margin:16px 0 4px 0;${FONT}font-size:17px;line-height:24px;color:#1b1b1b;`,
  p: 'margin:4px 0;',
  meta: 'margin:2px 0;font-size:14px;line-height:20px;color:#595959;',
  a: 'color:#0b5cad;text-decoration:underline;',
  footer: `padding:16px 24px;${FONT}font-size:13px;line-height:19px;color:#595959;`,
};

function storyHtml(story: DigestStory, labels: ReturnType<typeof themeLabels>, locale: SiteLocale): SafeHtml {
  const lang = locale.langAttribute(story.language);
  const langAttr = lang !== null ? html` lang="${lang}"` : null;
  const summaryLang = locale.langAttribute(story.summaryLanguage);
  const title = story.link !== null ? html`<a href="${story.link}" style="${S.a}"${langAttr}>${story.title}</a>` : html`<span${langAttr}>${story.title}</span>`;
  const sources = story.sources.map((source, i) => {
    const sep = i === 0 ? '' : i === story.sources.length - 1 ? locale.words.and : ', ';
    return source.link !== null ? html`${sep}<a href="${source.link}" style="${S.a}">${source.name}</a>` : html`${sep}${source.name}`;
  });
  const others = otherThemes(story, labels, locale);
  return html`<h3 style="${S.h3}">${title}${story.languageNote !== null ? html` <span style="font-weight:normal;color:#595959;">${story.languageNote}</span>` : null}</h3>
<p style="${S.meta}">${sources} · ${story.date}</p>
${others !== null ? html`<p style="${S.meta}">${others}</p>\n` : null}${story.summary !== '' ? html`<p style="${S.p}"${summaryLang !== null ? html` lang="${summaryLang}"` : null}>${story.summary}</p>\n` : null}${story.writtenByModel === true ? html`<p style="${S.p}">${renderReadOn(story, locale, S.a)}</p>\n` : null}`;
}

export function renderEmailHtml(issue: DigestIssue, links: EmailLinks, locale: SiteLocale): string {
  const { words } = locale;
  const labels = themeLabels(issue);
  const sections = issue.sections.map(
    (section) => html`<h2 style="${S.h2}">${section.heading}</h2>
${section.stories.map((story) => storyHtml(story, labels, locale))}${
      section.omitted > 0 ? html`<p style="${S.meta}">${moreInSection(section.omitted, locale)}, <a href="${links.pageUrl}" style="${S.a}">${words.readOnlineShort}</a>.</p>\n` : null
    }`,
  );
  return html`<!doctype html>
<html lang="${locale.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${issue.title}</title>
</head>
<body style="${S.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${S.outer}">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="${S.inner}">
<tr><td style="${S.cell}">
<h1 style="${S.h1}">${issue.title}</h1>
<p style="${S.p}">${issue.intro}</p>
<p style="${S.meta}"><a href="${links.pageUrl}" style="${S.a}">${words.readIssueOnline}</a></p>
${sections}</td></tr>
<tr><td style="${S.footer}">
<p style="margin:0;">${words.whyYouGetThis}${howToStopHtml(links, locale)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.toString();
}

/** How to stop receiving the letter: the unsubscribe page's link, or an email to the sender. */
function howToStopHtml(links: EmailLinks, locale: SiteLocale): SafeHtml | null {
  if (links.unsubscribeUrl !== null) return html` <a href="${links.unsubscribeUrl}" style="${S.a}">${locale.words.unsubscribe}</a>.`;
  if (links.unsubscribeMail === null) return null;
  const [before, after] = locale.words.stopByMail(links.unsubscribeMail.subject);
  return html` ${before}<a href="${links.unsubscribeMail.uri}" style="${S.a}">${links.unsubscribeMail.address}</a>${after}`;
}

/** The text/plain alternative: the same content, links in full. */
export function renderEmailText(issue: DigestIssue, links: EmailLinks, locale: SiteLocale): string {
  const { words } = locale;
  const labels = themeLabels(issue);
  const lines: string[] = [issue.title, '='.repeat(Math.min(issue.title.length, 72)), '', issue.intro, '', `${words.readOnline}${words.colon}${links.pageUrl}`, ''];
  for (const section of issue.sections) {
    lines.push('', section.heading.toUpperCase(), '-'.repeat(Math.min(section.heading.length, 72)), '');
    for (const story of section.stories) {
      lines.push(`* ${story.title}${story.languageNote !== null ? ` ${story.languageNote}` : ''}`);
      lines.push(`  ${locale.join(story.sources.map((source) => source.name))} · ${story.date}`);
      const others = otherThemes(story, labels, locale);
      if (others !== null) lines.push(`  ${others}`);
      if (story.summary !== '') lines.push(`  ${story.summary}`);
      if (story.writtenByModel === true) {
        for (const source of story.sources) lines.push(`  ${locale.words.readArticleOn(source.name)}${source.link !== null ? `${words.colon}${source.link}` : ''}`);
      } else if (story.link !== null) lines.push(`  ${story.link}`);
      lines.push('');
    }
    if (section.omitted > 0) lines.push(`${moreInSection(section.omitted, locale)}, ${words.readOnlineShort}.`, '');
  }
  lines.push('--', words.whyYouGetThis);
  if (links.unsubscribeUrl !== null) lines.push(`${words.unsubscribe}${words.colon}${links.unsubscribeUrl}`);
  else if (links.unsubscribeMail !== null) {
    const [before, after] = words.stopByMail(links.unsubscribeMail.subject);
    lines.push(`${before}${links.unsubscribeMail.address}${after}`);
  }
  return `${lines.join('\n')}\n`;
}
