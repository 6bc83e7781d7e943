import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../infra/create-app.js';
import { REPO_ROOT } from '../../infra/handler-entries.js';

/** A synth runs esbuild-free, but with cdk-nag and cfn-guard: seconds alone, far longer on a loaded 2-core machine. */
export const SYNTH_TIMEOUT_MS = 180_000;

/** The repository's own config plus a second newsletter in another time zone, on a daily schedule. */
export function writeTwoNewsletterConfig(): string {
  const base = JSON.parse(readFileSync(path.join(REPO_ROOT, 'newsletter.config.json'), 'utf8')) as { newsletters: Record<string, unknown>[] };
  const first = base.newsletters[0]!;
  const config = {
    ...base,
    newsletters: [
      first,
      {
        ...first,
        id: 'morning-brief',
        title: 'Morning Brief',
        language: 'en',
        from: { name: 'Morning Brief', email: 'brief@example.com' },
        schedule: { cron: '30 6 * * 1-5', timeZone: 'Europe/London' },
        baseUrl: 'https://news.example.com',
      },
    ],
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'newsletter-infra-')), 'newsletter.config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The repository's config with its first newsletter changed by `change`, written to a temporary file. */
export function writeConfig(change: (newsletter: Record<string, unknown>) => Record<string, unknown>): string {
  const base = JSON.parse(readFileSync(path.join(REPO_ROOT, 'newsletter.config.json'), 'utf8')) as { newsletters: Record<string, unknown>[] };
  const config = { ...base, newsletters: [change(base.newsletters[0]!), ...base.newsletters.slice(1)] };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'newsletter-infra-')), 'newsletter.config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The violations of both policy plugins (cdk-nag, Control Tower guard rules) in a synthesised assembly. */
export function policyViolations(outdir: string): string[] {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations?: { ruleName: string }[] }[];
  };
  return report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${r.pluginName}: ${v.ruleName}`));
}

/** The app as `cdk synth` builds it, without bundling (template tests need no code). */
export function createTestApp(context: Record<string, unknown> = {}) {
  return createApp({
    // The sample config sends from example.com, which a real deploy refuses.
    context: { 'aws:cdk:bundling-stacks': [], allowSampleSender: true, ...context },
    outdir: mkdtempSync(path.join(tmpdir(), 'newsletter-cdk-out-')),
  });
}
