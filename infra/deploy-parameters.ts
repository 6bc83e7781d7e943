import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_SEND_RATE, parseConfig, type Config } from '../functions/core/config.js';
import { REPO_ROOT } from './handler-entries.js';

/**
 * The `-c key=value` parameters of `cdk synth` and `cdk deploy`. Every one has a default, so the app
 * synthesises with none at all, offline and without an AWS account.
 */
export interface DeployParameters {
  /** Sending domain of the SES identity. Default: the domain of the first newsletter's from address. */
  domain: string;
  /** `hostedZoneId` and `zoneName` together: publish the DKIM records in this Route 53 zone. */
  hostedZone?: { hostedZoneId: string; zoneName: string };
  /** Subscribed to the alarm topic. */
  alarmEmail?: string;
  /** The SES account's maximum send rate (messages per second). Default: the config's delivery.rate, else 14. */
  sendRate: number;
  /** Default: newsletter.config.json. Relative paths start at the repository root. */
  configFile: string;
  /** Public address of the subscription pages (a custom domain); default: the HTTP API's own address. */
  baseUrl?: string;
  /** Verified recipients to allow while the SES account is in the sandbox (comma-separated). */
  sandboxRecipients: string[];
  /** Subscription API requests per second for pages that send no mail. Default 50. */
  apiRateLimit?: number;
  /** Requests per second for each unsubscribe route, a limit of their own. Default 500. */
  unsubscribeRateLimit?: number;
  /** CloudFront with AWS WAF rate-based rules per client in front of the pages (us-east-1 only). Default off. */
  perClientLimits: boolean;
  /**
   * A custom domain for the subscription pages (for example `news.example.com`, inside the hosted
   * zone): certificate, API mapping and alias record are created, and links are built on it, so
   * they survive the API being recreated.
   */
  domainName?: string;
  /** Use the SES identity of `domain` that already exists in the account instead of creating it. */
  existingIdentity: boolean;
  /**
   * DMARC policy published with the hosted zone (`none`, `quarantine`, `reject`), or `off` (the
   * default) to publish none: most sending domains have a `_dmarc` record already, and creating a
   * second fails the first deploy and rolls it back.
   */
  dmarcPolicy: 'none' | 'quarantine' | 'reject' | 'off';
  /** Where DMARC aggregate reports go (`rua`); none by default. */
  dmarcReportEmail?: string;
  /**
   * The complete ARN of the signing-keys secret of a link-key rotation (docs/security.md), which the
   * functions read beside the id key; none before the first rotation.
   */
  tokenSigningKeysArn?: string;
}

export class DeployParameterError extends Error {
  override readonly name = 'DeployParameterError';
}

const DEFAULT_CONFIG_FILE = 'newsletter.config.json';
/** The sample config's sender domains (RFC 2606): nobody can verify them in SES. */
const SAMPLE_DOMAINS = /(^|\.)(example\.(com|org|net)|example|test|invalid|localhost)$/;
/** Where SES puts an account that has left the sandbox. */
const DEFAULT_SEND_RATE = 14;

type ContextReader = (key: string) => unknown;

/** Reads the config file named by `-c configFile`, validated with the same schema as the CLI. */
export function loadDeployConfig(context: ContextReader): { config: Config; configFile: string } {
  const configFile = text(context, 'configFile') ?? DEFAULT_CONFIG_FILE;
  const file = path.resolve(REPO_ROOT, configFile);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeployParameterError(`newsletter config ${file} could not be read as JSON: ${(error as Error).message}; pass -c configFile=<path>`, {
      cause: error,
    });
  }
  const result = parseConfig(json);
  if (!result.ok) throw new DeployParameterError(`newsletter config ${file} is invalid:\n  ${result.errors.join('\n  ')}`);
  return { config: result.config, configFile };
}

export function readDeployParameters(context: ContextReader, config: Config, configFile: string): DeployParameters {
  const senderDomains = [...new Set(config.newsletters.map((n) => domainOf(n.from.email)))];
  const domain = (text(context, 'domain') ?? senderDomains[0]!).toLowerCase().replace(/\.$/, '');
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
    throw new DeployParameterError(`-c domain=${domain} is not a domain name such as news.example.com`);
  }
  const outside = config.newsletters.filter((n) => !inDomain(domainOf(n.from.email), domain));
  if (outside.length > 0) {
    throw new DeployParameterError(
      `the SES identity is ${domain}, ` +
        `but ${outside.map((n) => `newsletter "${n.id}" sends from ${n.from.email}`).join(', ')}: set -c domain=<the ` +
        `from addresses' domain> or change "from.email"`,
    );
  }

  if (SAMPLE_DOMAINS.test(domain) && !flag(context, 'allowSampleSender')) {
    throw new DeployParameterError(
      `newsletters send from ${domain}, the sample domain of newsletter.config.json, which SES can never verify: set ` +
        `"from.email" of each newsletter to an address at your own domain (and -c domain=<that domain>) before ` +
        `deploying; to synthesise the sample only to read the template, add -c allowSampleSender=true`,
    );
  }

  const hostedZoneId = text(context, 'hostedZoneId');
  const zoneName = text(context, 'zoneName');
  if (Boolean(hostedZoneId) !== Boolean(zoneName)) {
    throw new DeployParameterError('-c hostedZoneId and -c zoneName go together: give both to publish the DKIM records in Route 53, or neither');
  }

  const sendRate = number(context, 'sendRate') ?? config.delivery.rate ?? DEFAULT_SEND_RATE;
  if (sendRate < MIN_SEND_RATE)
    throw new DeployParameterError(`-c sendRate=${sendRate} must be at least ${MIN_SEND_RATE} messages per second, or an edition never finishes`);
  const apiRateLimit = number(context, 'apiRateLimit');
  const unsubscribeRateLimit = number(context, 'unsubscribeRateLimit');
  const alarmEmail = text(context, 'alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) throw new DeployParameterError(`-c alarmEmail=${alarmEmail} is not an email address`);
  const baseUrl = text(context, 'baseUrl')?.replace(/\/+$/, '');
  if (baseUrl && !/^https:\/\/[^/]+/.test(baseUrl))
    throw new DeployParameterError(`-c baseUrl=${baseUrl} must be an https:// address such as https://news.example.com`);
  const domainName = text(context, 'domainName')?.toLowerCase().replace(/\.$/, '');
  if (domainName) {
    if (!hostedZoneId || !zoneName)
      throw new DeployParameterError(`-c domainName=${domainName} needs the Route 53 zone it is in: give -c hostedZoneId and -c zoneName too`);
    if (!inDomain(domainName, zoneName.toLowerCase().replace(/\.$/, '')))
      throw new DeployParameterError(`-c domainName=${domainName} is not inside the hosted zone ${zoneName}: use a name in that zone`);
    if (baseUrl && baseUrl !== `https://${domainName}`)
      throw new DeployParameterError(
        `-c baseUrl=${baseUrl} and -c domainName=${domainName} disagree: links are built on https://${domainName}; drop -c baseUrl`,
      );
  }
  const dmarcPolicy = (text(context, 'dmarc') ?? 'off').toLowerCase();
  if (!['none', 'quarantine', 'reject', 'off'].includes(dmarcPolicy))
    throw new DeployParameterError(`-c dmarc=${dmarcPolicy} must be none, quarantine, reject or off`);
  const dmarcReportEmail = text(context, 'dmarcReportEmail');
  if (dmarcReportEmail && !/^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$/.test(dmarcReportEmail))
    throw new DeployParameterError(`-c dmarcReportEmail=${dmarcReportEmail} is not an email address`);
  const perClientLimits = flag(context, 'perClientLimits');
  if (perClientLimits && domainName) {
    throw new DeployParameterError(
      `-c perClientLimits and -c domainName=${domainName} cannot go together yet: the custom domain would lead past ` +
        `CloudFront to the API; leave one out, or put your domain on the distribution yourself and pass it as -c baseUrl`,
    );
  }
  const tokenSigningKeysArn = text(context, 'tokenSigningKeysArn');
  if (tokenSigningKeysArn && !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/.test(tokenSigningKeysArn)) {
    throw new DeployParameterError(
      `-c tokenSigningKeysArn=${tokenSigningKeysArn} is not the complete ARN of a secret (it ends in the name, a ` +
        `dash and six characters): copy the ARN that "aws secretsmanager create-secret" printed`,
    );
  }
  const sandboxRecipients = (text(context, 'sandboxRecipients') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  return {
    domain,
    sendRate,
    configFile,
    sandboxRecipients,
    existingIdentity: flag(context, 'existingIdentity'),
    perClientLimits,
    dmarcPolicy: dmarcPolicy as DeployParameters['dmarcPolicy'],
    ...(dmarcReportEmail ? { dmarcReportEmail } : {}),
    ...(domainName ? { domainName } : {}),
    ...(hostedZoneId && zoneName ? { hostedZone: { hostedZoneId, zoneName } } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(apiRateLimit ? { apiRateLimit } : {}),
    ...(unsubscribeRateLimit ? { unsubscribeRateLimit } : {}),
    ...(tokenSigningKeysArn ? { tokenSigningKeysArn } : {}),
  };
}

function text(context: ContextReader, key: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new DeployParameterError(`-c ${key} must be text, got ${JSON.stringify(value)}`);
  return value.trim();
}

/** `-c key=true` arrives as text, cdk.json may hold a boolean. */
function flag(context: ContextReader, key: string): boolean {
  const value = context(key);
  if (value === undefined || value === null || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new DeployParameterError(`-c ${key}=${String(value)} must be true or false`);
}

function number(context: ContextReader, key: string): number | undefined {
  const value = context(key);
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new DeployParameterError(`-c ${key}=${String(value)} must be a positive number`);
  return n;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function inDomain(candidate: string, domain: string): boolean {
  return candidate === domain || candidate.endsWith(`.${domain}`);
}
