import { PLACEHOLDERS } from '../core/edition.js';
import { RenderError } from './errors.js';
import { escapeTemplateValue } from './escape.js';

/** Template filling: our own small mustache-like syntax, one pass, escaping by default. */

/** Placeholder tokens that must survive rendering for the sender to personalise. */
const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set(Object.values(PLACEHOLDERS));

/** A trusted MJML fragment rendered from our own templates; inserted with `{{{name}}}`, unescaped. */
export class TrustedMjml {
  constructor(readonly value: string) {}
}

/** Marks a fragment built from our own templates as safe to insert unescaped. */
export function raw(value: string): TrustedMjml {
  return new TrustedMjml(value);
}

/** A template slot value: text (escaped), a flag for `{{#name}}` sections, or a trusted fragment. */
export type TemplateValue = string | boolean | undefined | TrustedMjml;

const SECTION = /\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const SLOT = /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g;
const ANY_TOKEN = /\{\{[^{}]*\}\}/g;

/**
 * Fills a template in one pass, so an inserted value is never scanned again:
 * - `{{name}}` inserts the value HTML-escaped, braces included;
 * - `{{{name}}}` inserts a trusted fragment (see `raw`) as is;
 * - `{{#name}}…{{/name}}` keeps its content when the value is a non-empty string, `true` or a
 *   non-empty fragment; `{{^name}}…{{/name}}` when it is not.
 * `PLACEHOLDERS` pass through untouched; any other unknown slot is a template bug and throws.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, TemplateValue>>, templateName: string): string {
  const problems: string[] = [];
  const sections = (text: string): string =>
    text.replace(SECTION, (_match, kind: string, name: string, inner: string) => {
      if (!(name in values)) problems.push(`section {{${kind}${name}}} has no value`);
      const shown = isTruthy(values[name]) === (kind === '#');
      return shown ? sections(inner) : '';
    });

  const filled = sections(template).replace(SLOT, (match, rawName: string | undefined, name: string | undefined) => {
    if (rawName !== undefined) {
      const value = values[rawName];
      if (value instanceof TrustedMjml) return value.value;
      problems.push(`{{{${rawName}}}} needs a rendered fragment`);
      return '';
    }
    const key = name ?? '';
    if (!(key in values)) {
      if (!PLACEHOLDER_TOKENS.has(match)) problems.push(`{{${key}}} has no value`);
      return match;
    }
    const value = values[key];
    if (value === undefined) return '';
    if (typeof value !== 'string') {
      problems.push(`{{${key}}} needs text`);
      return '';
    }
    return escapeTemplateValue(value);
  });

  // Leftovers such as an unmatched {{/name}} would otherwise reach the reader.
  for (const token of filled.match(ANY_TOKEN) ?? []) {
    if (!PLACEHOLDER_TOKENS.has(token)) problems.push(`unexpected ${token}`);
  }
  if (problems.length > 0) {
    throw new RenderError(`Template ${templateName} could not be filled: ${problems.join('; ')}`, {
      template: templateName,
      details: problems,
    });
  }
  return filled;
}

function isTruthy(value: TemplateValue): boolean {
  if (value instanceof TrustedMjml) return value.value !== '';
  return Boolean(value);
}
