import { z } from 'zod';

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

export const folderSourceSchema = z.object({
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

export const feedSourceSchema = z.object({
  type: z.literal('feed'),
  url: z.string().url(),
  /** Follow an item that carries only a summary to its page for the full text. */
  followLinks: z.boolean().default(false),
  maxItems: z.number().int().positive().max(200).default(20),
  allowPrivateHosts,
  timeBudgetSeconds,
});

export const pageSourceSchema = z.object({
  type: z.literal('page'),
  urls: z.array(z.string().url()).min(1),
  allowPrivateHosts,
  timeBudgetSeconds,
});

export const s3SourceSchema = z.object({
  type: z.literal('s3'),
  bucket: z.string().min(3),
  prefix: z.string().default(''),
});

export const sourceSchema = z.discriminatedUnion('type', [folderSourceSchema, feedSourceSchema, pageSourceSchema, s3SourceSchema]);

export const languageSchema = z.enum(['zh-Hant', 'zh-Hans', 'en']);

export const newsletterSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, such as "weekly-ai"'),
  title: z.string().min(1).max(150),
  language: languageSchema,
  from: z.object({ name: z.string().min(1).max(100), email }),
  replyTo: email.optional(),
  /** Postal address printed in every footer (CAN-SPAM and similar laws require one). */
  postalAddress: z.string().min(1).max(300),
  schedule: z.object({
    /** Five-field cron: minute hour day-of-month month day-of-week. */
    cron: z.string().regex(/^\s*\S+(\s+\S+){4}\s*$/, 'must be a five-field cron expression such as "0 8 * * 1"'),
    timeZone,
  }),
  sources: z.array(sourceSchema).min(1),
  keyPoints: z
    .object({
      max: z.number().int().min(1).max(20).default(8),
      extractor: z.enum(['embedded', 'bedrock']).default('embedded'),
      bedrockModelId: z.string().optional(),
    })
    .prefault({}),
  template: z.string().default('digest'),
  /** Public base URL of the subscription API, used in confirm and unsubscribe links. */
  baseUrl: z.string().url(),
  /** Limit the edition to this many articles; the newest are kept. */
  maxArticles: z.number().int().min(1).max(50).default(10),
  /**
   * What a reader gets after confirming: the latest sent edition (a welcome email when none has
   * gone out yet), a welcome email, or nothing.
   */
  welcome: z.enum(['latest-edition', 'welcome-email', 'none']).default('latest-edition'),
});

export const configSchema = z
  .object({
    newsletters: z.array(newsletterSchema).min(1, 'must define at least one newsletter'),
    delivery: z
      .object({
        /** Messages per second; when absent the SES account's maximum send rate is read. */
        rate: z.number().positive().optional(),
        concurrency: z.number().int().min(1).max(200).default(10),
        bounceRateLimit: z.number().min(0).max(1).default(0.05),
        complaintRateLimit: z.number().min(0).max(1).default(0.001),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.newsletters.forEach((n, i) => {
      if (seen.has(n.id)) ctx.addIssue({ code: 'custom', path: ['newsletters', i, 'id'], message: `"${n.id}" is used twice; ids must be unique` });
      seen.add(n.id);
    });
  });

export type Config = z.infer<typeof configSchema>;
export type NewsletterConfig = z.infer<typeof newsletterSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type Language = z.infer<typeof languageSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Validates parsed JSON; errors read like `newsletters[0].from.email: must be an email address...`. */
export function parseConfig(json: unknown): ConfigResult {
  const result = configSchema.safeParse(json);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  };
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
