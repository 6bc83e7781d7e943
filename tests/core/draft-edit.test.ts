import { describe, expect, it } from 'vitest';
import { applyDraftEdit } from '../../functions/core/draft-edit.js';
import { buildEditionModel, type EditionModel } from '../../functions/core/edition.js';
import { testNewsletter } from '../support/newsletters.js';

const newsletter = testNewsletter();

function draft(): EditionModel {
  return buildEditionModel({
    newsletter,
    now: new Date('2026-03-02T08:00:00Z'),
    articles: [
      { id: 'a1', title: 'Chips', keyPoints: ['One.', 'Two.', 'Three.'], location: 'a.txt', url: 'https://example.com/chips' },
      { id: 'b2', title: 'Power', keyPoints: ['Volts.'], location: 'b.txt' },
    ],
  });
}

describe('applyDraftEdit', () => {
  it('removes, reorders and rewrites key points, and says so in words', () => {
    const result = applyDraftEdit(newsletter, draft(), {
      articles: [
        { id: 'a1', keyPoints: ['Two.', 'One, rewritten.'] },
        { id: 'b2', keyPoints: ['Volts.'] },
      ],
    });
    if (!result.ok) throw new Error(result.problem);
    expect(result.model.articles[0]!.keyPoints).toEqual(['Two.', 'One, rewritten.']);
    expect(result.model.preheader).toBe('Two.');
    expect(result.changes).toEqual([
      'article “Chips”: removed key point “One.”',
      'article “Chips”: removed key point “Three.”',
      'article “Chips”: new key point “One, rewritten.”',
    ]);
  });

  it('drops an article and makes the made subject afresh from the new first article', () => {
    const result = applyDraftEdit(newsletter, draft(), { articles: [{ id: 'b2', keyPoints: ['Volts.'] }] });
    if (!result.ok) throw new Error(result.problem);
    expect(result.model.subject).toBe('AI Weekly: Power');
    expect(result.dropped.map((a) => a.id)).toEqual(['a1']);
    expect(result.changes).toEqual(['subject: “AI Weekly: Chips (+1 more)” → “AI Weekly: Power”', 'dropped article “Chips”']);
  });

  it("keeps the editor's subject and opening words, and the edition's id and date", () => {
    const before = draft();
    const result = applyDraftEdit(newsletter, before, {
      subject: ' Our pick ',
      intro: 'Hello again!',
      articles: [
        { id: 'b2', keyPoints: ['Volts.'] },
        { id: 'a1', keyPoints: ['One.', 'Two.', 'Three.'] },
      ],
    });
    if (!result.ok) throw new Error(result.problem);
    expect(result.model).toMatchObject({ subject: 'Our pick', intro: 'Hello again!', editionId: before.editionId, date: before.date });
    expect(result.changes).toEqual(['subject: “AI Weekly: Chips (+1 more)” → “Our pick”', 'intro: “Hello again!”', 'articles reordered: “Power”, “Chips”']);
  });

  it('says what is wrong, naming the article, and what to do', () => {
    const model = draft();
    expect(applyDraftEdit(newsletter, model, { articles: [] })).toEqual({
      ok: false,
      problem: 'no article is left: keep at least one, or skip the edition instead',
    });
    expect(applyDraftEdit(newsletter, model, { articles: [{ id: 'a1', keyPoints: [' ', ''] }] })).toEqual({
      ok: false,
      problem: 'article “Chips” has no key point left: keep at least one, or drop the article',
    });
    expect(applyDraftEdit(newsletter, model, { articles: [{ id: 'zz', keyPoints: ['x'] }] })).toEqual({
      ok: false,
      problem: 'article zz is not in this draft: use the ids it has (a1, b2)',
    });
    expect(applyDraftEdit(newsletter, model, { subject: 'Two\nlines', articles: [{ id: 'a1', keyPoints: ['x'] }] })).toEqual({
      ok: false,
      problem: 'the subject holds a line break or control character: write it on one line',
    });
  });

  it('finds nothing changed when the editor saves the draft as it is', () => {
    const model = draft();
    const result = applyDraftEdit(newsletter, model, {
      subject: model.subject,
      intro: '',
      articles: model.articles.map((a) => ({ id: a.id, keyPoints: a.keyPoints })),
    });
    expect(result.ok && result.changes).toEqual([]);
  });
});
