import { describe, expect, it } from '@jest/globals';
import { setFor } from '../../test/suggestion-set.js';
import { renderSidebarPage } from './sidebar-page.js';

describe('the sidebar page', () => {
  it('escapes every value from the model and the EHR, and never shows a blocked suggestion', () => {
    const set = setFor('pseudonym-page-00001');
    set.suggestions[0]!.title = '<script>alert(1)</script> & "quotes"';
    set.evidence[0]!.display = '<img src=x onerror=alert(1)>';
    const html = renderSidebarPage({ set, session: 's"x', nonce: 'n' });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('value="s&quot;x"');
    expect(html).not.toContain('Blocked suggestion');
    expect(html).toContain('<style nonce="n">');
  });

  it('thanks the clinician instead of asking again once a card is answered', () => {
    const set = setFor('pseudonym-page-00001');
    const [card] = [
      ...renderSidebarPage({ set, session: 's', nonce: 'n' }).matchAll(/data-card="([^"]+)"/g),
    ].map((match) => match[1]!);
    const answered = renderSidebarPage({ set, session: 's', nonce: 'n', answered: new Set([card!]) });
    expect(answered).toContain('your answer is recorded');
    expect(answered).not.toContain('value="accepted"');
  });
});
