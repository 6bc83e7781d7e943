import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closest, parseConfig } from '../../functions/core/config.js';

/** The configuration refuses mistakes with a message naming the field and what to write instead. */
const sample = JSON.parse(readFileSync('newsletter.config.json', 'utf8')) as { newsletters: Record<string, unknown>[] };
const newsletter = sample.newsletters[0]!;

function errorsOf(changes: Record<string, unknown>, top: Record<string, unknown> = {}): string[] {
  const result = parseConfig({ ...sample, ...top, newsletters: [{ ...newsletter, ...changes }] });
  return result.ok ? [] : result.errors;
}

describe('parseConfig', () => {
  it('accepts the bundled sample', () => {
    expect(parseConfig(sample)).toMatchObject({ ok: true });
  });

  it('refuses an unknown field and suggests the known one it resembles', () => {
    expect(errorsOf({ sources: [{ type: 'feed', url: 'https://example.com/feed.xml', followlink: true }] })).toEqual([
      'newsletters[0].sources[0].followlink: is not a known field; did you mean "followLinks"?',
    ]);
    expect(errorsOf({ titel: 'News' })).toEqual(['newsletters[0].titel: is not a known field; did you mean "title"?']);
    expect(errorsOf({ keyPoints: { maks: 3 } })).toEqual(['newsletters[0].keyPoints.maks: is not a known field; did you mean "max"?']);
    expect(errorsOf({}, { delivery: { rat: 5 } })).toEqual(['delivery.rat: is not a known field; did you mean "rate"?']);
    expect(errorsOf({ colour: 'blue' })).toEqual(['newsletters[0].colour: is not a known field']);
    expect(errorsOf({}, { signUps: { perClientPerHr: 5 } })).toEqual(['signUps.perClientPerHr: is not a known field; did you mean "perClientPerHour"?']);
  });

  it('says which required field is missing and what it is for, in one line per problem', () => {
    const { title, postalAddress: _postalAddress, ...rest } = newsletter;
    const result = parseConfig({ ...sample, newsletters: [{ ...rest, titel: title, from: { name: 'AI Weekly' }, maxArticles: 'ten' }] });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual([
      'newsletters[0].from.email: is missing: the sender address every edition comes from, such as "news@example.com" (a verified SES identity)',
      'newsletters[0].postalAddress: is missing: the postal address printed in every footer, which anti-spam laws require, such as "1 Example Road, London"',
      'newsletters[0].maxArticles: must be a number, not a string',
      'newsletters[0].titel: is not a known field; did you mean "title"? (title is missing: the newsletter\'s name, ' +
        'shown in subjects, pages and the sender name, such as "AI Weekly")',
    ]);
    for (const error of errors) expect(error).not.toMatch(/Invalid input|received undefined/);
  });

  it('refuses a send rate so low that an edition would never finish', () => {
    for (const rate of [1e-300, 0.01, 0.099]) {
      expect(errorsOf({}, { delivery: { rate } })).toEqual([
        "delivery.rate: must be at least 0.1 messages per second (one every 10 s); leave it out to use the SES account's maximum send rate",
      ]);
    }
    expect(errorsOf({}, { delivery: { rate: 0.1 } })).toEqual([]);
  });

  it('refuses an impossible cron expression at load', () => {
    expect(errorsOf({ schedule: { cron: '99 99 * * *', timeZone: 'Asia/Taipei' } })).toEqual([
      'newsletters[0].schedule.cron: is not a valid cron expression (Invalid value for minute: 99): use minute hour ' +
        'day-of-month month day-of-week, such as "0 8 * * 1"',
    ]);
  });

  it('refuses an unknown IANA time zone', () => {
    expect(errorsOf({ schedule: { cron: '0 8 * * 1', timeZone: 'Mars/Olympus' } })).toEqual([
      'newsletters[0].schedule.timeZone: must be an IANA time zone such as Asia/Taipei or Europe/London',
    ]);
  });

  it('refuses a baseUrl that is not http or https', () => {
    for (const baseUrl of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://example.com']) {
      expect(errorsOf({ baseUrl })).toEqual(['newsletters[0].baseUrl: must be an http:// or https:// URL such as https://news.example.com']);
    }
    expect(errorsOf({ baseUrl: 'https://news.example.com' })).toEqual([]);
  });

  it('refuses a template that is a path rather than a name', () => {
    for (const template of ['../../etc/passwd', '/etc', 'a/b', '..']) {
      expect(errorsOf({ template })).toEqual([
        'newsletters[0].template: must be a template name such as "digest" or "my-brand" (a folder in templatesDir), not a path',
      ]);
    }
  });

  it('marks only a newsletter that says so as the demo', () => {
    const result = parseConfig({ ...sample, newsletters: [{ ...newsletter, demo: undefined }] });
    expect(result.ok && result.config.newsletters[0]!.demo).toBe(false);
  });
});

describe('closest', () => {
  it('suggests only a near name', () => {
    expect(closest('followlink', ['type', 'url', 'followLinks', 'maxItems'])).toBe('followLinks');
    expect(closest('maxitmes', ['type', 'url', 'followLinks', 'maxItems'])).toBe('maxItems');
    expect(closest('colour', ['id', 'title', 'language'])).toBeUndefined();
  });
});
