import { newsletterSchema, type NewsletterConfig } from '../../functions/core/config.js';

/**
 * The one test newsletter: an English weekly with every field the config requires. A test names
 * only what it is about (`{ id: 'tech-weekly', approval: 'manual' }`) and takes the rest from here.
 */
export function newsletterInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const title = (overrides.title as string | undefined) ?? 'AI Weekly';
  return {
    id: 'weekly',
    title,
    language: 'en',
    from: { name: title, email: 'news@example.com' },
    postalAddress: '1 Example Road, London',
    schedule: { cron: '0 8 * * 1', timeZone: 'Europe/London' },
    sources: [{ type: 'folder', path: 'articles' }],
    baseUrl: 'https://news.example.com',
    ...overrides,
  };
}

/** `newsletterInput` as the product reads it, defaults filled in by the config schema. */
export function testNewsletter(overrides: Record<string, unknown> = {}): NewsletterConfig {
  return newsletterSchema.parse(newsletterInput(overrides));
}
