import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `newsletter keypoints`: the key points of one article file, as a person or a script reads them. Stateless: one workspace. */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-keypoints-' });
});

afterAll(async () => ws?.stop());

const HEADLINE = '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級';

describe('newsletter keypoints', () => {
  it('prints exactly the title and at most --max key points as JSON', async () => {
    const { code, output } = await ws.run('keypoints', path.join(ws.articles, 'ai-talent-article.txt'), '--max', '3', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(output) as { title: string; keyPoints: string[] };
    expect(Object.keys(json)).toEqual(['title', 'keyPoints']);
    expect(json.title).toBe(HEADLINE);
    expect(json.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(json.keyPoints.length).toBeLessThanOrEqual(3);
    for (const point of json.keyPoints) {
      expect(point.trim()).not.toBe('');
      // Cleaned text: no pinyin glosses, no image placeholders.
      expect(point).not.toMatch(/\(guān\)|\(zhàn\)|!\[\]/u);
    }
  });

  it('prints exactly --count key points, even above the number it would choose', async () => {
    const { code, output } = await ws.run('keypoints', path.join(ws.articles, 'ai-talent-article.txt'), '--count', '8', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(output) as { keyPoints: string[] }).keyPoints).toHaveLength(8);
  });

  it('fails with exit code 1 and one line starting "newsletter:" when the article cannot be read', async () => {
    const { code, output } = await ws.run('keypoints', '/nonexistent.txt');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^newsletter: article \/nonexistent\.txt could not be read/);
  });

  it('reads the key points of a page nested 10,000 levels deep', async () => {
    const file = path.join(ws.work, 'deep.html');
    const text = 'The summer ferry timetable starts on 1 June with extra evening sailings on Fridays and Saturdays.';
    await writeFile(
      file,
      `<html><head><title>Ferry timetable</title></head><body>${'<div>'.repeat(10_000)}<p>${text}</p>${'</div>'.repeat(10_000)}</body></html>`,
    );
    const { code, output } = await ws.run('keypoints', file, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ title: 'Ferry timetable', keyPoints: [text] });
  });

  it.each([
    ['a device that never ends', '/dev/zero', /^newsletter: article \/dev\/zero is not a regular file: give the path of a \.txt, \.md or \.html article$/],
    ['a page of 60,000 elements', 'wide.html', /^newsletter: article \S+wide\.html: the page has more than 50,000 HTML elements/],
  ])('fails with one line, not a stack trace or a hang, on %s', async (_case, name, line) => {
    const file = name.startsWith('/') ? name : path.join(ws.work, name);
    if (!name.startsWith('/')) await writeFile(file, `<html><body>${'<i>x</i>'.repeat(60_000)}</body></html>`);
    const { code, output } = await ws.run('keypoints', file);
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([expect.stringMatching(line)]);
  });
});
