import { describe, expect, it } from 'vitest';
import { formatDraftFile, parseDraftFile } from '../../functions/core/draft-file.js';
import { buildEditionModel } from '../../functions/core/edition.js';
import { testNewsletter } from '../support/newsletters.js';

const newsletter = testNewsletter();
const model = buildEditionModel({
  newsletter,
  now: new Date('2026-03-02T08:00:00Z'),
  articles: [
    { id: 'a1', title: 'Chips', keyPoints: ['One.', 'Two.'], location: 'a.txt', url: 'https://example.com/chips' },
    { id: 'b2', title: 'Power', keyPoints: ['Volts.'], location: 'b.txt' },
  ],
});

describe('formatDraftFile and parseDraftFile', () => {
  it('read back what they wrote', () => {
    const file = formatDraftFile(model, model.editionId);
    expect(file).toContain('Subject: AI Weekly: Chips (+1 more)\n');
    expect(file).toContain('## [a1] Chips\n// https://example.com/chips\n- One.\n- Two.\n');
    expect(parseDraftFile(file)).toEqual({
      ok: true,
      edit: {
        subject: 'AI Weekly: Chips (+1 more)',
        intro: '',
        articles: [
          { id: 'a1', title: 'Chips', keyPoints: ['One.', 'Two.'] },
          { id: 'b2', title: 'Power', keyPoints: ['Volts.'] },
        ],
      },
    });
  });

  it('reads moved and deleted lines and blocks as the editor left them, and joins a wrapped key point', () => {
    const file = 'Subject: Our pick\n\n## [b2] Power\n- Volts,\n  and amps.\n\n## [a1] Chips\n- Two.\n';
    expect(parseDraftFile(file)).toEqual({
      ok: true,
      edit: {
        subject: 'Our pick',
        articles: [
          { id: 'b2', title: 'Power', keyPoints: ['Volts, and amps.'] },
          { id: 'a1', title: 'Chips', keyPoints: ['Two.'] },
        ],
      },
    });
  });

  it('names the line of a mistake and says what to write', () => {
    expect(parseDraftFile('Subject: S\nTopic: x\n')).toEqual({
      ok: false,
      line: 2,
      problem: '"Topic: x" is not a field: write "Subject: …" or "Intro: …", or start an article with "## [id] Title"',
    });
    expect(parseDraftFile('Subject: S\n- early\n')).toEqual({
      ok: false,
      line: 2,
      problem: 'a key point before any article: put it under its "## [id] Title" heading',
    });
    expect(parseDraftFile('Subject: S\n## [a1] Chips\nstray text\n')).toEqual({
      ok: false,
      line: 3,
      problem: '"stray text" is not a key point: start it with "- ", or make it a note with "//"',
    });
    expect(parseDraftFile('Subject:\n')).toEqual({ ok: false, line: 1, problem: 'the subject is empty: write one after "Subject:"' });
    expect(parseDraftFile('Subject: S\n\n## [a1] Chips\n\n## [b2] Power\n- x\n')).toEqual({
      ok: false,
      line: 3,
      problem: 'article [a1] has no key point: keep at least one "- " line, or delete the whole block to drop it',
    });
  });
});
