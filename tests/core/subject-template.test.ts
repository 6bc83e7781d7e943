import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.js';
import { editionSubject } from '../../functions/core/edition.js';
import { fillSubject, INBOX_SUBJECT_LIMIT, subjectTemplateProblem } from '../../functions/core/subject-template.js';
import { newsletterInput } from '../support/newsletters.js';

const values = { title: 'AI Weekly', firstArticle: 'Chip makers raise prices', count: '3', date: 'Mar 2, 2026' };

describe('subjectTemplateProblem', () => {
  it('accepts the four fields and plain words', () => {
    expect(subjectTemplateProblem('{title} #{count}, {date}: {firstArticle}')).toBeUndefined();
  });

  it('names an unknown field and the one it was probably meant to be', () => {
    expect(subjectTemplateProblem('{title}: {firstarticle}')).toBe(
      '"{firstarticle}" is not a subject field; did you mean "{firstArticle}"?: use {title}, {firstArticle}, {count}, {date}',
    );
    expect(subjectTemplateProblem('{headline}')).toMatch(/^"\{headline\}" is not a subject field: use/);
  });

  it('refuses a brace without its pair', () => {
    expect(subjectTemplateProblem('{title: news')).toMatch(/brace without its pair/);
  });
});

describe('fillSubject', () => {
  it('fills the fields', () => {
    expect(fillSubject('{title} ({count}) {firstArticle}', values, 'en')).toBe('AI Weekly (3) Chip makers raise prices');
  });

  it('cuts the headline at a word with an ellipsis so the whole subject fits an inbox, keeping the rest whole', () => {
    const long = { ...values, firstArticle: 'Chip makers raise prices again as demand for data-centre accelerators outruns every forecast made last year' };
    const subject = fillSubject('{title}: {firstArticle} (+2 more)', long, 'en');
    expect([...subject].length).toBeLessThanOrEqual(INBOX_SUBJECT_LIMIT);
    expect(subject).toMatch(/^AI Weekly: Chip makers raise prices again .*\w… \(\+2 more\)$/);
  });
});

describe('the subject in the config', () => {
  const config = (subject: unknown) => ({
    newsletters: [newsletterInput({ subject })],
  });

  it('is refused at load with the field named when it has an unknown field', () => {
    const parsed = parseConfig(config('{title}: {frist}'));
    expect(parsed).toEqual({ ok: false, errors: ['newsletters[0].subject: "{frist}" is not a subject field: use {title}, {firstArticle}, {count}, {date}'] });
  });

  it('makes the subject of every edition', () => {
    const parsed = parseConfig(config('{title} #{count} · {date}: {firstArticle}'));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect(editionSubject(parsed.config.newsletters[0]!, [{ title: 'Chips.' }, { title: 'Power' }], '2026-03-02')).toBe('AI Weekly #2 · Mar 2, 2026: Chips');
  });
});

describe('the default subject', () => {
  it('stays within what an inbox shows, the headline cut at a word', () => {
    const subject = editionSubject(
      { title: 'AI Weekly', language: 'en' },
      [{ title: 'Chip makers raise prices again as demand for accelerators outruns every forecast' }, { title: 'b' }],
      '2026-03-02',
    );
    expect([...subject].length).toBeLessThanOrEqual(INBOX_SUBJECT_LIMIT);
    expect(subject).toMatch(/^AI Weekly: Chip makers .*\w… \(\+1 more\)$/);
  });
});
