import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ArticleProblem, RawArticle } from '../../core/article.js';
import type { ArticleSource, SourceCollection } from '../../ports/article-source.js';
import { extractHtmlArticle, toIsoDate } from './html-article.js';
import { formatBytes } from './http-fetch.js';

/** Files a folder or S3 prefix may hold, by extension (lower case, with the dot). */
const ARTICLE_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm'] as const;

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface FolderSourceOptions {
  /** How the folder is named in reports, such as the path written in the configuration. */
  displayName?: string;
  /** Larger files are skipped with a problem. Default 5 MB. */
  maxFileBytes?: number;
}

/**
 * Articles from the files of one folder: `.txt` (text), `.md` (markdown) and `.html`/`.htm`
 * (the article extracted from the page). Files are read in name order; subfolders, dotfiles and
 * other extensions are ignored.
 *
 * @example
 * const { articles, problems } = await new FolderSource('/srv/newsletter/articles').collect();
 */
export class FolderSource implements ArticleSource {
  readonly description: string;
  private readonly displayName: string;
  private readonly maxFileBytes: number;

  constructor(
    private readonly dir: string,
    options: FolderSourceOptions = {},
  ) {
    const name = options.displayName ?? dir;
    this.displayName = name.endsWith('/') ? name : `${name}/`;
    this.description = `folder ${this.displayName}`;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async collect(): Promise<SourceCollection> {
    const articles: RawArticle[] = [];
    const problems: ArticleProblem[] = [];

    let names: string[];
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      names = entries
        .filter((entry) => entry.isFile() || entry.isSymbolicLink())
        .map((entry) => entry.name)
        .filter(isArticleFileName)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (error) {
      return { articles, problems: [{ location: this.dir, reason: this.folderProblem(error) }], failed: true };
    }

    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) continue;
        if (info.size > this.maxFileBytes) {
          problems.push({ location: path, reason: `larger than ${formatBytes(this.maxFileBytes)}; split it into smaller articles` });
          continue;
        }
        const result = articleFromFile(name, await readFile(path, 'utf8'), path);
        if ('reason' in result) problems.push(result);
        else articles.push(result);
      } catch (error) {
        problems.push({ location: path, reason: `could not be read (${errorCode(error)})` });
      }
    }
    return { articles, problems };
  }

  private folderProblem(error: unknown): string {
    const code = errorCode(error);
    if (code === 'ENOENT') return `folder ${this.displayName} does not exist: create it and put .txt, .md or .html articles in it`;
    if (code === 'ENOTDIR') return `${this.displayName.slice(0, -1)} is not a folder: point the folder source at a folder of .txt, .md or .html articles`;
    if (code === 'EACCES' || code === 'EPERM') return `folder ${this.displayName} cannot be read: check its permissions`;
    return `folder ${this.displayName} could not be read (${code})`;
  }
}

/**
 * Reads one article file as UTF-8 (invalid bytes become U+FFFD), refusing what is not a regular
 * file (a device such as /dev/zero never ends) and stopping past `maxBytes`.
 *
 * @example
 * const read = await readArticleFile('articles/a.md');
 * if (!read.ok) console.error(read.reason);
 */
export async function readArticleFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const handle = await open(path, 'r');
  try {
    if (!(await handle.stat()).isFile()) return { ok: false, reason: 'is not a regular file: give the path of a .txt, .md or .html article' };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return { ok: false, reason: `is larger than ${formatBytes(maxBytes)}; split it into smaller articles` };
    }
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** Whether a file (or S3 key's last part) is one a folder source reads. */
export function isArticleFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  return (ARTICLE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

/**
 * Turns one file's text into a raw article by its extension: text and markdown keep their format
 * (with optional front matter for title, url and date); HTML becomes the extracted article text.
 *
 * @example
 * articleFromFile('hello.md', '---\ntitle: Hello\n---\nBody', 'articles/hello.md');
 * // { location: 'articles/hello.md', format: 'markdown', body: 'Body', title: 'Hello' }
 */
export function articleFromFile(name: string, content: string, location: string): RawArticle | ArticleProblem {
  const text = content.replace(/^\uFEFF/, '');
  const extension = extname(name).toLowerCase();

  if (extension === '.html' || extension === '.htm') {
    const extracted = extractHtmlArticle(text);
    if ('error' in extracted) return { location, reason: extracted.error };
    return withoutUndefined<RawArticle>({
      location,
      format: 'text',
      body: extracted.text,
      title: extracted.title,
      url: extracted.canonicalUrl,
      byline: extracted.byline,
      publishedAt: extracted.publishedAt,
      language: extracted.language,
    });
  }

  const { fields, body } = splitFrontMatter(text);
  if (body.trim() === '') return { location, reason: 'the file has no article text' };
  return withoutUndefined<RawArticle>({
    location,
    format: extension === '.txt' ? 'text' : 'markdown',
    // trimEnd, not /\s+$/: that pattern reads every run of spaces inside the text to its end, in
    // time quadratic in the run's length.
    body: body.replace(/^\s*\n/, '').trimEnd(),
    title: fields.title,
    url: fields.url ?? fields.link,
    byline: fields.author ?? fields.byline,
    publishedAt: toIsoDate(fields.date ?? fields.published ?? fields.publishedat),
    language: fields.language ?? fields.lang,
  });
}

/**
 * Reads a leading `---` block of simple `key: value` lines. Anything else (nested YAML, lists)
 * is not front matter as far as this reader is concerned, and the file is taken as it is.
 */
export function splitFrontMatter(text: string): { fields: Record<string, string>; body: string } {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { fields: {}, body: text };
  const fields: Record<string, string> = {};
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const pair = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) return { fields: {}, body: text };
    const value = unquote((pair[2] ?? '').trim());
    if (value !== '') fields[(pair[1] ?? '').toLowerCase().replace(/[-_]/g, '')] = value;
  }
  return { fields, body: text.slice(match[0].length) };
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1);
  return value;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
