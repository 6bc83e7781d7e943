import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../functions/core/config.js';
import { DeployParameterError, loadDeployConfig, readDeployParameters } from '../../infra/deploy-parameters.js';

const config = loadDeployConfig(() => undefined).config;
const read = (context: Record<string, unknown>, c: Config = config) => readDeployParameters((key) => context[key], c, 'newsletter.config.json');

describe('readDeployParameters', () => {
  it('has a default for everything, so synth needs no -c at all, with the 14 messages/s the README promises', () => {
    expect(read({})).toEqual({ domain: 'example.com', sendRate: 14, configFile: 'newsletter.config.json', sandboxRecipients: [] });
  });

  it('reads the -c values, which arrive as text', () => {
    const parameters = read({ domain: 'Example.com.', hostedZoneId: 'Z123', zoneName: 'example.com', alarmEmail: 'ops@example.com', sendRate: '50', sandboxRecipients: 'a@example.org, b@example.org' });
    expect(parameters).toMatchObject({ domain: 'example.com', hostedZone: { hostedZoneId: 'Z123', zoneName: 'example.com' }, alarmEmail: 'ops@example.com', sendRate: 50, sandboxRecipients: ['a@example.org', 'b@example.org'] });
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
    expect(() => read({ alarmEmail: 'ops' })).toThrow(/alarmEmail/);
  });

  it('names the file when the config cannot be read', () => {
    expect(() => loadDeployConfig((key) => (key === 'configFile' ? 'no-such.config.json' : undefined))).toThrow(/no-such\.config\.json/);
  });
});
