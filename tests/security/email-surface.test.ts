// The email check itself: the template's plain inline styles pass, anything that could run or
// load something does not (so the 817 sanitizer cases prove something about emails too).
import { describe, expect, it } from 'vitest';
import { emailViolations } from './surface-check.js';

describe('emailViolations', () => {
  it('accepts plain inline styles of the template', () => {
    expect(emailViolations('<table style="width:100%;background-color:#f3f3f1;"><tr><td style="padding:16px 24px;">x</td></tr></table>')).toEqual([]);
  });

  it.each([
    ['expression()', '<p style="width:expression(alert(1))">x</p>'],
    ['-moz-binding', '<p style="-moz-binding:url(x.xml#xss)">x</p>'],
    ['behavior', '<p style="behavior:url(x.htc)">x</p>'],
    ['a remote image in CSS', '<td style="background:url(https://tracker.example/p.gif)">x</td>'],
    ['a <style> element', '<style>p{color:red}</style><p>x</p>'],
    ['an on* attribute', '<td onclick="alert(1)">x</td>'],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>'],
  ])('flags %s', (_name, html) => {
    expect(emailViolations(html)).not.toEqual([]);
  });
});
