import { Cron } from 'croner';
import { z } from 'zod';
import { subjectTemplateProblem } from './subject-template.js';

/**
 * The newsletter configuration (`newsletter.config.json`), validated once at start-up.
 * Every error names the field that is wrong, so a publisher can fix the file without reading code.
 */

const email = z.string().trim().email({ message: 'must be an email address such as news@example.com' });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Taipei or Europe/London' },
);

const folderSourceSchema = z.strictObject({
  type: z.literal('folder'),
  /** Relative to the configuration file's folder. */
  path: z.string().min(1),
});

/**
 * Hosts a web source may read although they are on a private network (an intranet), as written in
 * its URLs: `["intranet.example", "10.0.0.5"]`. Every other host must have public addresses only.
 */
const allowPrivateHosts = z.array(z.string().trim().min(1)).optional();
/** Seconds a feed or page source may spend in all, linked pages included. */
const timeBudgetSeconds = z.number().positive().max(900).optional();

const feedSourceSchema = z.strictObject({
  type: z.literal('feed'),
  url: z.string().url(),
  /** Follow an item that carries only a summary to its page for the full text. */
  followLinks: z.boolean().default(false),
  maxItems: z.number().int().positive().max(200).default(20),
  allowPrivateHosts,
  timeBudgetSeconds,
});

const pageSourceSchema = z.strictObject({
  type: z.literal('page'),
  urls: z.array(z.string().url()).min(1),
  allowPrivateHosts,
  timeBudgetSeconds,
});

const s3SourceSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: z.string().min(3),
  prefix: z.string().default(''),
});

const sourceSchema = z.discriminatedUnion('type', [folderSourceSchema, feedSourceSchema, pageSourceSchema, s3SourceSchema]);

/** Newsletter languages: each has its words file under templates/words/ (templates/i18n.ts checks both ways). */
const LANGUAGES = ['zh-Hant', 'zh-Hans', 'en', 'de', 'fr', 'es', 'ja', 'ko'] as const;
export const languageSchema = z.enum(LANGUAGES, {
  error: (issue) => `${issue.input === undefined ? 'is required' : `"${String(issue.input)}" is not supported`}; use one of ${LANGUAGES.join(', ')}`,
});

export const newsletterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, such as "weekly-ai"'),
  title: z.string().min(1).max(150),
  language: languageSchema,
  from: z.strictObject({ name: z.string().min(1).max(100), email }),
  replyTo: email.optional(),
  /** Postal address printed in every footer (CAN-SPAM and similar laws require one). */
  postalAddress: z.string().min(1).max(300),
  schedule: z.strictObject({
    /** Five-field cron: minute hour day-of-month month day-of-week. */
    cron: z
      .string()
      .regex(/^\s*\S+(\s+\S+){4}\s*$/, 'must be a five-field cron expression such as "0 8 * * 1"')
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: `is not a valid cron expression (${problem}): use minute hour day-of-month month day-of-week, such as "0 8 * * 1"`,
          });
      }),
    timeZone,
  }),
  sources: z.array(sourceSchema).min(1),
  keyPoints: z
    .strictObject({
      max: z.number().int().min(1).max(20).default(8),
      extractor: z.enum(['embedded', 'bedrock', 'openai-compatible']).default('embedded'),
      bedrockModelId: z.string().optional(),
      /**
       * An OpenAI-compatible chat completions endpoint (`extractor: "openai-compatible"`). The API key
       * is never in the file: `apiKeyEnv` names the environment variable that holds it.
       */
      llm: z
        .strictObject({
          baseUrl: z.url({ protocol: /^https?$/ }),
          model: z.string().min(1),
          apiKeyEnv: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable (letters, digits, _), not the key itself')
            .optional(),
          timeoutMs: z.number().int().min(100).max(600_000).optional(),
          maxTokens: z.number().int().min(256).max(1_000_000).optional(),
          jsonSchema: z.boolean().optional(),
        })
        .optional(),
    })
    .prefault({}),
  /**
   * The digest's MJML templates: "digest" is the bundled set; any other name is a folder of that
   * name in the configured `templatesDir`, holding its own digest.mjml and partials/. A name,
   * never a path, so it cannot point outside that folder.
   */
  template: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be a template name such as "digest" or "my-brand" (a folder in templatesDir), not a path')
    .default('digest'),
  /** Public base URL of the subscription API, used in confirm and unsubscribe links. */
  baseUrl: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as https://news.example.com' }),
  /** The bundled sample newsletter: the first local run subscribes a demo reader so something arrives. */
  demo: z.boolean().default(false),
  /** Limit the edition to this many articles; the newest are kept. */
  maxArticles: z.number().int().min(1).max(50).default(10),
  /**
   * What a reader gets after confirming: the latest sent edition (a welcome email when none has
   * gone out yet), a welcome email, or nothing.
   */
  welcome: z.enum(['latest-edition', 'welcome-email', 'none']).default('latest-edition'),
  /**
   * "manual": each edition is built as a draft and mailed to the operators with approve and skip
   * links; the list gets it only once one of them approves (or `editions approve ID`).
   */
  approval: z.enum(['auto', 'manual']).default('auto'),
  /**
   * Count opens (a pixel) and clicks (links through this newsletter's address) per edition. Off by
   * default; when on, every edition's footer says so. No reader is recorded: only two numbers per edition.
   */
  countOpensAndClicks: z.boolean().default(false),
  /**
   * The subject line, with the fields {title}, {firstArticle}, {count} and {date}; by default the
   * title and the first headline. Either way it is kept to what an inbox shows (the headline is cut).
   */
  subject: z
    .string()
    .min(1)
    .max(200)
    .superRefine((template, ctx) => {
      const problem = subjectTemplateProblem(template);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Who reviews drafts (approval: "manual"); they get the review copy, never the list's mail. */
  operators: z
    .array(z.email({ message: 'must be an email address such as editor@example.com' }))
    .max(20)
    .default([]),
});

/**
 * The lowest send rate the configuration accepts, in messages per second. A rate near zero paces
 * the first message ages into the future: the edition would never go out.
 */
export const MIN_SEND_RATE = 0.1;

const configSchema = z
  .strictObject({
    newsletters: z.array(newsletterSchema).min(1, 'must define at least one newsletter'),
    /** Where newsletters' own templates live (relative to the configuration file): `<templatesDir>/<template>/`. */
    templatesDir: z.string().min(1).default('templates'),
    delivery: z
      .strictObject({
        /** Messages per second; when absent the SES account's maximum send rate is read. */
        rate: z
          .number()
          .min(
            MIN_SEND_RATE,
            `must be at least ${MIN_SEND_RATE} messages per second (one every ${1 / MIN_SEND_RATE} s); leave it out to use the SES account's maximum send rate`,
          )
          .optional(),
        /** Sends in flight; when absent it follows the rate and the measured SES latency (see concurrencyFor). */
        concurrency: z.number().int().min(1).max(200).optional(),
        bounceRateLimit: z.number().min(0).max(1).default(0.05),
        complaintRateLimit: z.number().min(0).max(1).default(0.001),
        /**
         * A new sending domain's warm-up: at most `firstDay` messages in the 24 hours of day `from`
         * (YYYY-MM-DD, UTC), `growth` times as many each day after, below the account's own quota.
         */
        warmUp: z
          .strictObject({
            from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-01'),
            firstDay: z.number().int().min(1),
            growth: z.number().min(1).max(10).default(1.5),
          })
          .optional(),
      })
      .prefault({}),
    /** Limits on confirmation mail caused by sign-ups (see docs/operators-guide.md, Subscriptions). */
    signUps: z
      .strictObject({
        perMailboxPerHour: z.number().int().min(1).default(3),
        perClientPerHour: z.number().int().min(1).default(10),
        perHour: z.number().int().min(1).default(200),
        quotaShare: z.number().gt(0).max(1).default(0.05),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.newsletters.forEach((n, i) => {
      if (seen.has(n.id)) ctx.addIssue({ code: 'custom', path: ['newsletters', i, 'id'], message: `"${n.id}" is used twice; ids must be unique` });
      seen.add(n.id);
      if (n.approval === 'manual' && n.operators.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['newsletters', i, 'operators'],
          message: 'approval "manual" needs at least one operator address to send drafts to, e.g. "operators": ["editor@example.com"]',
        });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type NewsletterConfig = z.infer<typeof newsletterSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type Language = z.infer<typeof languageSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * Validates parsed JSON; errors read like `newsletters[0].from.email: must be an email address...`.
 * An unknown field is an error too, with the nearest known field as a suggestion, because a typo
 * such as `followlink` would otherwise be ignored in silence.
 */
export function parseConfig(json: unknown): ConfigResult {
  // With reportInput an issue carries the value it was about; a missing field's is undefined (JSON has no undefined).
  const result = configSchema.safeParse(json, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues;
  const missing = new Set(issues.filter(isMissing).map((issue) => formatPath(issue.path)));
  // A misspelt field and the required field it was meant to be are one problem: said once, on the misspelling's line.
  const explained = new Set<string>();
  const unknown = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => {
          const suggestion = closest(key, knownKeysAt(issue.path));
          const meant = suggestion ? formatPath([...issue.path, suggestion]) : undefined;
          const alsoMissing = meant !== undefined && missing.has(meant) ? ` (${suggestion} is missing: ${FIELD_PURPOSE[suggestion!] ?? 'it is required'})` : '';
          if (alsoMissing) explained.add(meant!);
          return `${formatPath([...issue.path, key])}: is not a known field${suggestion ? `; did you mean "${suggestion}"?${alsoMissing}` : ''}`;
        })
      : [],
  );
  const others = issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return [];
    const at = formatPath(issue.path);
    if (explained.has(at)) return [];
    if (isMissing(issue)) return [`${at}: is missing${missingPurpose(issue.path)}`];
    if (issue.code === 'invalid_type') return [`${at}: must be ${withArticle(issue.expected)}, not ${withArticle(kindOf(issue.input))}`];
    return [`${at}: ${issue.message}`];
  });
  return { ok: false, errors: [...others, ...unknown] };
}

/** A required field that is absent (not one with a wrong value). */
function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
}

/**
 * What each required field is for, said when it is missing, so the fix needs no look at the
 * schema. Keyed by the field's own name; languages have their own message (languageSchema).
 */
const FIELD_PURPOSE: Record<string, string> = {
  newsletters: 'the list of newsletters, each with id, title, language, from, postalAddress, schedule, sources and baseUrl',
  id: 'the newsletter\'s lower-case id, used in keys, links and the List-Id header, such as "weekly-ai"',
  title: 'the newsletter\'s name, shown in subjects, pages and the sender name, such as "AI Weekly"',
  from: 'the sender, such as {"name": "AI Weekly", "email": "news@example.com"}',
  name: 'the name shown beside the sender address, such as "AI Weekly"',
  email: 'the sender address every edition comes from, such as "news@example.com" (a verified SES identity)',
  postalAddress: 'the postal address printed in every footer, which anti-spam laws require, such as "1 Example Road, London"',
  schedule: 'when editions go out, such as {"cron": "0 8 * * 1", "timeZone": "Europe/London"}',
  cron: 'when editions go out, as minute hour day-of-month month day-of-week, such as "0 8 * * 1"',
  timeZone: 'the IANA time zone of the schedule and the edition dates, such as "Europe/London"',
  sources: 'where articles come from, such as [{"type": "folder", "path": "articles"}]',
  baseUrl: 'the public address of the subscription pages, used in every link, such as "https://news.example.com"',
  type: 'the kind of source: "folder", "feed", "page" or "s3"',
  path: 'the folder of articles, relative to the configuration file, such as "articles"',
  url: 'the feed\'s address, such as "https://example.com/feed.xml"',
  urls: 'the pages to read, such as ["https://example.com/story"]',
  bucket: 'the S3 bucket that holds the articles',
  firstDay: 'how many messages the warm-up allows on its first day, such as 200',
};

function missingPurpose(path: PropertyKey[]): string {
  const purpose = FIELD_PURPOSE[String(path.at(-1))];
  return purpose ? `: ${purpose}` : '';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'object' : typeof value;
}

function withArticle(kind: string): string {
  if (kind === 'null') return 'null';
  const word = kind === 'array' ? 'list' : kind;
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** Why croner cannot schedule this cron expression, or undefined when it can. */
function cronProblem(cron: string): string | undefined {
  try {
    // Without a function croner only parses the pattern; nothing is scheduled.
    new Cron(cron.trim());
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern:\s*/u, '');
  }
}

/** The field names allowed at a path of the configuration (every source type's, for a source). */
function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.core.$ZodType = configSchema;
  for (const step of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && typeof step === 'string' && def.shape?.[step]) schema = def.shape[step];
    else if (def.type === 'array' && typeof step === 'number' && def.element) schema = def.element;
    else return [];
  }
  return shapeKeys(unwrap(schema));
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (let def = current._zod.def as { innerType?: z.core.$ZodType }; def.innerType; def = current._zod.def as { innerType?: z.core.$ZodType })
    current = def.innerType;
  return current;
}

function shapeKeys(schema: z.core.$ZodType): string[] {
  const def = schema._zod.def as { type: string; shape?: Record<string, unknown>; options?: z.core.$ZodType[] };
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap((o) => shapeKeys(unwrap(o))))];
  return [];
}

/** The known name nearest to a mistyped one (case-insensitive edit distance), when near enough. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
