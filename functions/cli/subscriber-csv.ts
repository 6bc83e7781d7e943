/**
 * Which columns of an exported subscriber list hold the address and the name. Recognises the
 * exports of the common tools without options: Mailchimp ("Email Address", "First Name",
 * "Last Name"), Substack and Buttondown ("email"), listmonk ("email", "name"); any other file
 * names its columns with --email-column / --name-column.
 */

export interface SubscriberColumns {
  email: string;
  /** A single name column, or first and last name joined with a space. */
  name?: string | { first?: string; last?: string };
}

const EMAIL = ['email', 'email address', 'e mail', 'e mail address', 'emailaddress', 'mail'];
const NAME = ['name', 'full name', 'fullname', 'display name'];
const FIRST = ['first name', 'firstname', 'fname', 'given name'];
const LAST = ['last name', 'lastname', 'lname', 'surname', 'family name'];

/** A header as compared: trimmed, lower-case, dashes and underscores as spaces, spaces collapsed. */
export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/gu, ' ');
}

export type ColumnChoice = { ok: true; columns: SubscriberColumns } | { ok: false; reason: string };

/** Picks the columns from the (normalised) header; an explicit column must exist. */
export function chooseColumns(header: string[], flags: { emailColumn?: string; nameColumn?: string }): ColumnChoice {
  const has = new Set(header);
  const found = () => header.map((h) => `"${h}"`).join(', ');
  const first = (candidates: string[]) => candidates.find((c) => has.has(c));
  let email: string | undefined;
  if (flags.emailColumn !== undefined) {
    email = normaliseHeader(flags.emailColumn);
    if (!has.has(email)) return { ok: false, reason: `has no column "${flags.emailColumn}" (--email-column); its columns are ${found()}` };
  } else {
    email = first(EMAIL);
    if (!email)
      return {
        ok: false,
        reason: `has no email column (its columns are ${found()}): name it with --email-column, or make the first line name the columns, e.g. email,name`,
      };
  }
  if (flags.nameColumn !== undefined) {
    const name = normaliseHeader(flags.nameColumn);
    if (!has.has(name)) return { ok: false, reason: `has no column "${flags.nameColumn}" (--name-column); its columns are ${found()}` };
    return { ok: true, columns: { email, name } };
  }
  const name = first(NAME);
  if (name) return { ok: true, columns: { email, name } };
  const given = first(FIRST);
  const family = first(LAST);
  if (given || family) return { ok: true, columns: { email, name: { ...(given ? { first: given } : {}), ...(family ? { last: family } : {}) } } };
  return { ok: true, columns: { email } };
}

/** The address and name of one row (the address still to be checked), formula quotes taken off (see `csvField`). */
export function entryOf(record: Record<string, string | undefined>, columns: SubscriberColumns): { email: string; name?: string } {
  const cell = (column: string | undefined) => (column ? withoutFormulaQuote(record[column]) : undefined);
  const email = cell(columns.email) ?? '';
  let name: string | undefined;
  if (typeof columns.name === 'string') name = cell(columns.name);
  else if (columns.name)
    name = [columns.name.first, columns.name.last]
      .map((c) => cell(c)?.trim())
      .filter(Boolean)
      .join(' ');
  name = name?.trim();
  return { email, ...(name ? { name } : {}) };
}

/**
 * A cell a spreadsheet would run as a formula (OWASP, CSV injection): it starts with = + - @, a tab
 * or a carriage return, possibly after quotes we put there ourselves.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/u;

/**
 * One CSV field: a value that would start a formula gets a single quote in front, which a
 * spreadsheet shows as text rather than runs; then the field is quoted when it must be (RFC 4180),
 * and also when it holds a semicolon, where spreadsheets with that list separator would split it
 * and the rest could start a formula. `subscribers import` takes one quote off again
 * (`withoutFormulaQuote`), so an export imports back exactly: a value that already started with
 * quotes before a formula character (`'=x`) gets one more (`''=x`) for the import to take off.
 *
 * @example
 * csvField('=HYPERLINK("https://evil.example/")'); // `"'=HYPERLINK(""https://evil.example/"")"`
 */
export function csvField(value: string | undefined): string {
  let v = value ?? '';
  if (FORMULA_START.test(v)) v = `'${v}`;
  return /[",;\r\n]/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * A cell as its writer meant it: the quote `csvField` (or another tool following OWASP) put in front
 * of a formula comes off. A quote before anything else is the value's own and stays.
 */
function withoutFormulaQuote(cell: string | undefined): string | undefined {
  return cell?.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}
