import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleFromFile, FolderSource, splitFrontMatter } from '../../../functions/adapters/sources/folder-source.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, MEGABYTE } from '../../support/hostile-text.js';
import { fixture } from './fixture-server.js';

describe('FolderSource', () => {
  let root: string;
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'folder-source-'));
    dir = join(root, 'articles');
    await mkdir(join(dir, 'nested'), { recursive: true });
    await writeFile(join(dir, 'b-notes.txt'), 'First paragraph of the notes.\n\nSecond paragraph.\n');
    await writeFile(
      join(dir, 'a-launch.md'),
      '---\ntitle: "We launched"\nurl: https://blog.example/launch\ndate: 2024-03-01\n---\n\n# We launched\n\nToday we launched the **product**.\n',
    );
    await writeFile(join(dir, 'c-page.html'), fixture('en-article.html'));
    await writeFile(join(dir, 'd-old.HTM'), '<html><body><p>An old page with only body text.</p></body></html>');
    await writeFile(join(dir, 'e-empty.md'), '---\ntitle: Nothing here\n---\n\n');
    await writeFile(join(dir, 'z-huge.txt'), Buffer.alloc(5 * 1024 * 1024 + 1, 'x'));
    await writeFile(join(dir, '.draft.md'), 'A dotfile draft that must not be sent.');
    await writeFile(join(dir, 'photo.jpg'), 'not an article');
    await writeFile(join(dir, 'notes.docx'), 'not an article either');
    await writeFile(join(dir, 'nested', 'deep.txt'), 'A file in a subfolder is not read.');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads .txt, .md and .html files in name order and ignores other files, dotfiles and subfolders', async () => {
    const { articles } = await new FolderSource(dir).collect();
    expect(articles.map((article) => article.location)).toEqual([
      join(dir, 'a-launch.md'),
      join(dir, 'b-notes.txt'),
      join(dir, 'c-page.html'),
      join(dir, 'd-old.HTM'),
    ]);
  });

  it('maps markdown front matter to title, url and date and keeps the body as markdown', async () => {
    const { articles } = await new FolderSource(dir).collect();
    expect(articles[0]).toEqual({
      location: join(dir, 'a-launch.md'),
      format: 'markdown',
      title: 'We launched',
      url: 'https://blog.example/launch',
      publishedAt: '2024-03-01',
      body: '# We launched\n\nToday we launched the **product**.',
    });
  });

  it('reads a text file as text', async () => {
    const { articles } = await new FolderSource(dir).collect();
    expect(articles[1]).toEqual({ location: join(dir, 'b-notes.txt'), format: 'text', body: 'First paragraph of the notes.\n\nSecond paragraph.' });
  });

  it('extracts the article from an HTML file as text paragraphs with its metadata', async () => {
    const { articles } = await new FolderSource(dir).collect();
    expect(articles[2]).toMatchObject({
      format: 'text',
      title: 'Volunteers clear two tonnes of plastic from Harbour Bay',
      byline: 'Jane Rivers',
      publishedAt: '2024-05-14T07:30:00.000Z',
      language: 'en-GB',
    });
    expect(articles[2]?.body.split('\n\n')).toContain('Nets and ropes: 1.2 tonnes');
    expect(articles[2]?.body).not.toContain('cookies');
    expect(articles[3]?.body).toBe('An old page with only body text.');
  });

  it('reports files it cannot use: an empty article and one larger than 5 MB', async () => {
    const { problems } = await new FolderSource(dir).collect();
    expect(problems).toEqual([
      { location: join(dir, 'e-empty.md'), reason: 'the file has no article text' },
      { location: join(dir, 'z-huge.txt'), reason: 'larger than 5 MB; split it into smaller articles' },
    ]);
  });

  it('reads the other files of a folder holding a 10,000-level page and a page of 60,000 elements', async () => {
    const hostile = join(root, 'hostile');
    await mkdir(hostile);
    const text = 'The ferry timetable starts on 1 June with extra evening sailings on Fridays and Saturdays.';
    await writeFile(join(hostile, 'a-deep.html'), `<html><body>${'<div>'.repeat(10_000)}<p>${text}</p>${'</div>'.repeat(10_000)}</body></html>`);
    await writeFile(join(hostile, 'b-wide.html'), `<html><body>${'<i>x</i>'.repeat(60_000)}</body></html>`);
    await writeFile(join(hostile, 'c-notes.txt'), 'Notes that must still be read.\n');

    const { articles, problems } = await new FolderSource(hostile).collect();
    expect(articles.map((article) => article.body)).toEqual([text, 'Notes that must still be read.']);
    expect(problems).toEqual([
      { location: join(hostile, 'b-wide.html'), reason: 'the page has more than 50,000 HTML elements, more than any article needs; it was not read' },
    ]);
  });

  it('explains how to fix a missing folder', async () => {
    const source = new FolderSource(join(root, 'missing'), { displayName: 'articles/' });
    expect(source.description).toBe('folder articles/');
    // `failed`: the source did not answer at all, so a run that builds nothing exits non-zero.
    expect(await source.collect()).toEqual({
      articles: [],
      failed: true,
      problems: [
        {
          location: join(root, 'missing'),
          reason: 'folder articles/ does not exist: create it and put .txt, .md or .html articles in it',
        },
      ],
    });
  });

  it('explains a path that is a file, not a folder', async () => {
    const { problems } = await new FolderSource(join(dir, 'b-notes.txt'), { displayName: 'notes.txt' }).collect();
    expect(problems[0]?.reason).toBe('notes.txt is not a folder: point the folder source at a folder of .txt, .md or .html articles');
  });
});

describe('splitFrontMatter', () => {
  it('takes a file without front matter as it is', () => {
    expect(splitFrontMatter('Just text\n---\nnot front matter')).toEqual({ fields: {}, body: 'Just text\n---\nnot front matter' });
  });

  it('leaves a block that is not simple key: value lines in the body', () => {
    const text = '---\n- a list\n- of items\n---\nBody';
    expect(splitFrontMatter(text)).toEqual({ fields: {}, body: text });
  });

  it('reads Windows line endings', () => {
    expect(splitFrontMatter('---\r\ntitle: Hi\r\n---\r\nBody')).toEqual({ fields: { title: 'Hi' }, body: 'Body' });
  });
});

describe('articleFromFile', () => {
  it('reads a file with a megabyte of spaces inside within the budget, trimming only its ends', () => {
    const text = `\n  人才${' '.repeat(MEGABYTE)}回流。 \n\n`;
    let body: string | undefined;
    const seconds = cpuSeconds(() => {
      const article = articleFromFile('spaces.txt', text, 'articles/spaces.txt');
      body = 'body' in article ? article.body : undefined;
    });
    expect(body).toBe(`  人才${' '.repeat(MEGABYTE)}回流。`);
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });
});
