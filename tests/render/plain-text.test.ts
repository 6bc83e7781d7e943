import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from '../../functions/core/edition.js';
import { joinTextBlocks, textFooter, wrapPlainText } from '../../functions/render/plain-text.js';
import { wordsFor } from '../../templates/i18n.js';

describe('wrapPlainText', () => {
  it('wraps Latin text at spaces within 76 columns', () => {
    const lines = wrapPlainText('lorem ipsum dolor sit amet '.repeat(10).trim());
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(76);
    expect(lines.join(' ')).toBe('lorem ipsum dolor sit amet '.repeat(10).trim());
  });

  it('wraps CJK by display width and never starts a line with closing punctuation', () => {
    const lines = wrapPlainText('研究人才的流動反映的不只是薪酬差距更是研究自由算力資源與行政負擔的比較。'.repeat(3));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect([...line].length).toBeLessThanOrEqual(38);
      expect(line).not.toMatch(/^[，。、；：！？）」』]/);
    }
  });

  it('prefers to break after a clause in CJK text', () => {
    const lines = wrapPlainText('2025 年 6 月至 7 月，Meta 從 OpenAI 挖走至少 8 名核心研究員，其中 4 名為華人科學家，另有多名工程師。');
    expect(lines[0]?.endsWith('，')).toBe(true);
  });

  it('keeps Latin words and URLs inside CJK text whole, with a hanging indent', () => {
    const url = 'https://example.com/a-very-long-path/that-cannot-be-broken-without-breaking-the-link';
    const lines = wrapPlainText(`詳見 ${url} 的說明`, { first: '- ', rest: '  ' });
    expect(lines).toContain(`  ${url}`);
    expect(lines[0]?.startsWith('- ')).toBe(true);
  });
});

describe('textFooter', () => {
  it('lists why, the unsubscribe and preferences placeholders and one line per address line', () => {
    const lines = textFooter({ whyYouGetThis: 'Why.', postalAddress: 'Line 1\n\n  Line 2 ', unsubscribe: true }, wordsFor('en'));
    expect(lines).toEqual([
      '-- ',
      'Why.',
      `Unsubscribe: ${PLACEHOLDERS.unsubscribeUrl}`,
      `Manage preferences: ${PLACEHOLDERS.preferencesUrl}`,
      'Line 1',
      'Line 2',
    ]);
  });

  it('leaves out the unsubscribe lines for a message sent before subscribing', () => {
    const lines = textFooter({ whyYouGetThis: 'Why.', postalAddress: 'Addr', unsubscribe: false }, wordsFor('en'));
    expect(lines.join('\n')).not.toContain(PLACEHOLDERS.unsubscribeUrl);
  });
});

describe('joinTextBlocks', () => {
  it('separates blocks by a blank line and ends with a newline', () => {
    expect(joinTextBlocks([['a', 'b'], ['c']])).toBe('a\nb\n\nc\n');
  });
});
