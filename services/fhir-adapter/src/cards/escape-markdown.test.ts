// Model text in a card must stay text in the EHR's GFM renderer: marked (GFM on, as EHR sidebars render
// CDS Hooks card details) renders every escaped attack without a link, image or HTML element.
import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { escapeMarkdown } from './suggestion-to-card.js';

const ATTACKS = [
  'See https://evil.example/steal?x=1 for the dose',
  'Visit www.evil.example today',
  'Mail dosing@evil.example for help',
  'mailto:dosing@evil.example and xmpp:bot@evil.example',
  '[the guideline](https://evil.example) and ![chart](https://evil.example/pixel.png)',
  '<https://evil.example> <a href="https://evil.example">guideline</a> <img src=x onerror=alert(1)>',
  '[ref]: https://evil.example\n[see the ref][ref]',
  'javascript:alert(1) and JaVaScRiPt:alert(1)',
  '(http://evil.example/path_(a)) ~~struck~~ *https://evil.example*',
];

describe('escapeMarkdown', () => {
  it.each(ATTACKS)('keeps %j text: no link, image or HTML once rendered as GFM', (attack) => {
    const html = marked.parse(escapeMarkdown(attack), { gfm: true, async: false });
    expect(html).not.toMatch(/<(a|img|script)\b|<[^>]+\b(href|src)=/i);
  });

  it('still links the same text without escaping (the test can fail)', () => {
    const html = marked.parse(ATTACKS[0]!, { gfm: true, async: false });
    expect(html).toMatch(/<a href="https:\/\/evil\.example/);
  });

  it('reads the same once rendered: only invisible joiners are added', () => {
    const html = marked.parse(escapeMarkdown('Dose 5 mg (max 10), see www.nice.org.uk'), { async: false });
    expect(html.replaceAll('\u2060', '')).toBe('<p>Dose 5 mg (max 10), see www.nice.org.uk</p>\n');
  });
});
