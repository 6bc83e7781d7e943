import path from 'node:path';
import type { Command } from 'commander';
import { cleanArticle } from '../../core/articles/clean.js';
import { NewsletterError } from '../../core/errors.js';
import { EmbeddedKeyPointExtractor } from '../../adapters/key-points/embedded-key-point-extractor.js';
import { articleFromFile, readArticleFile } from '../../adapters/sources/folder-source.js';
import { positiveInteger } from '../arguments.js';

export function registerKeypointsCommand(program: Command): void {
  program
    .command('keypoints')
    .description("print an article's title and key points")
    .argument('<file>', 'a .txt, .md or .html article')
    .option('--max <n>', 'at most this many key points', positiveInteger, 8)
    .option('--count <n>', 'exactly this many key points where the article has that many usable sentences', positiveInteger)
    .option('--json', 'print {"title": ..., "keyPoints": [...]} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter keypoints articles/ai-talent-article.txt\n' +
        '  $ npx newsletter keypoints saved-page.html --max 3 --json\n' +
        '  $ npx newsletter keypoints articles/ai-talent-article.txt --count 5',
    )
    .action(async (file: string, flags: { max: number; count?: number; json?: boolean }) => {
      let content: string;
      try {
        const read = await readArticleFile(file);
        if (!read.ok) throw new NewsletterError(`article ${file} ${read.reason}`);
        content = read.text;
      } catch (error) {
        if (error instanceof NewsletterError) throw error;
        throw new NewsletterError(`article ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path`);
      }
      const raw = articleFromFile(path.basename(file), content, file);
      if ('reason' in raw) throw new NewsletterError(`article ${file}: ${raw.reason}`);
      const cleaned = cleanArticle(raw);
      if (!cleaned.ok) throw new NewsletterError(cleaned.reason);
      const result = await new EmbeddedKeyPointExtractor().extract(cleaned.article, {
        max: flags.max,
        ...(flags.count !== undefined ? { count: flags.count } : {}),
      });
      if (flags.json) {
        console.log(
          JSON.stringify({ title: cleaned.article.title, keyPoints: result.keyPoints, ...(result.reason ? { reason: result.reason } : {}) }, null, 2),
        );
        return;
      }
      console.log(cleaned.article.title);
      for (const point of result.keyPoints) console.log(`- ${point}`);
      if (result.keyPoints.length === 0) console.log(`(no key points: ${result.reason ?? 'no sentences found'})`);
    });
}
