import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/handler-entries.js';
import { parseConfig, type Config } from '../../functions/core/config.js';
import { DeployParameterError, loadDeployConfig, readDeployParameters } from '../../infra/deploy-parameters.js';

const config = loadDeployConfig(() => undefined).config;
/** The sample config sends from example.com, which only a synth for looking at the template may use. */
const read = (context: Record<string, unknown>, c: Config = config) =>
  readDeployParameters((key) => ({ allowSampleSender: 'true', ...context })[key], c, 'newsletter.config.json');
const zone = { hostedZoneId: 'Z123', zoneName: 'example.com' };

describe('readDeployParameters', () => {
  it('has a default for everything, so synth needs no -c at all, with the 14 messages/s the README promises', () => {
    expect(read({})).toEqual({
      domain: 'example.com',
      sendRate: 14,
      configFile: 'newsletter.config.json',
      sandboxRecipients: [],
      existingIdentity: false,
      dmarcPolicy: 'off',
      perClientLimits: false,
    });
  });

  it('reads the -c values, which arrive as text', () => {
    const parameters = read({
      domain: 'Example.com.',
      hostedZoneId: 'Z123',
      zoneName: 'example.com',
      alarmEmail: 'ops@example.com',
      sendRate: '50',
      sandboxRecipients: 'a@example.org, b@example.org',
    });
    expect(parameters).toMatchObject({
      domain: 'example.com',
      hostedZone: { hostedZoneId: 'Z123', zoneName: 'example.com' },
      alarmEmail: 'ops@example.com',
      sendRate: 50,
      sandboxRecipients: ['a@example.org', 'b@example.org'],
    });
  });

  it('takes the send rate from the config when -c sendRate is absent', () => {
    const withRate = parseConfig({ ...JSON.parse(JSON.stringify(config)), delivery: { rate: 40 } });
    if (!withRate.ok) throw new Error(withRate.errors.join('; '));
    expect(read({}, withRate.config).sendRate).toBe(40);
  });

  it('refuses a domain the newsletters do not send from, naming them', () => {
    expect(() => read({ domain: 'news.other.org' })).toThrow(DeployParameterError);
    expect(() => read({ domain: 'news.other.org' })).toThrow(/ai-talent.*digest@example\.com/);
  });

  it('refuses half a hosted zone, a bad rate and a bad alarm address', () => {
    expect(() => read({ hostedZoneId: 'Z123' })).toThrow(/go together/);
    expect(() => read({ sendRate: 'fast' })).toThrow(/sendRate/);
    expect(() => read({ sendRate: '1e-300' })).toThrow(/-c sendRate=1e-300 must be at least 0\.1 messages per second/);
    expect(() => read({ alarmEmail: 'ops' })).toThrow(/alarmEmail/);
  });

  it('names the file when the config cannot be read', () => {
    expect(() => loadDeployConfig((key) => (key === 'configFile' ? 'no-such.config.json' : undefined))).toThrow(/no-such\.config\.json/);
  });

  it('refuses to deploy the sample sender domain, saying what to change', () => {
    expect(() => readDeployParameters(() => undefined, config, 'newsletter.config.json')).toThrow(DeployParameterError);
    expect(() => readDeployParameters(() => undefined, config, 'newsletter.config.json')).toThrow(/send from example\.com.*set "from\.email"/);
  });

  it('takes a custom domain for the links only inside the hosted zone, and builds no second base URL', () => {
    expect(read({ ...zone, domainName: 'News.Example.com' }).domainName).toBe('news.example.com');
    expect(() => read({ domainName: 'news.example.com' })).toThrow(/needs the Route 53 zone/);
    expect(() => read({ ...zone, domainName: 'news.other.org' })).toThrow(/not inside the hosted zone example\.com/);
    expect(() => read({ ...zone, domainName: 'news.example.com', baseUrl: 'https://elsewhere.example.com' })).toThrow(/disagree/);
  });

  it('reads the existing-identity switch and the DMARC policy, from -c text or cdk.json values', () => {
    expect(read({ existingIdentity: 'true', dmarc: 'Quarantine', dmarcReportEmail: 'dmarc@example.com' })).toMatchObject({
      existingIdentity: true,
      dmarcPolicy: 'quarantine',
      dmarcReportEmail: 'dmarc@example.com',
    });
    expect(read({ existingIdentity: false }).existingIdentity).toBe(false);
    expect(() => read({ existingIdentity: 'yes' })).toThrow(/true or false/);
    expect(() => read({ dmarc: 'strict' })).toThrow(/none, quarantine, reject or off/);
  });

  it('keeps every parameter in cdk.json, so a deploy without -c flags does not drop the DNS records', () => {
    const context = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
    for (const key of [
      'domain',
      'hostedZoneId',
      'zoneName',
      'domainName',
      'alarmEmail',
      'sendRate',
      'existingIdentity',
      'dmarc',
      'dmarcReportEmail',
      'sandboxRecipients',
      'unsubscribeRateLimit',
      'tokenSigningKeysArn',
      'perClientLimits',
    ]) {
      expect(context, key).toHaveProperty(key);
    }
    // Empty values mean "not given": the app still synthesises with its defaults.
    expect(read(context).hostedZone).toBeUndefined();
  });
});
