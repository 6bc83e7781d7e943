import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { chooseColumns, csvField, entryOf, normaliseHeader } from '../../functions/cli/subscriber-csv.js';
import { printable } from '../../functions/cli/terminal-text.js';

/** The columns of the export formats operators bring from other tools. */
function columnsOf(header: string[], flags: { emailColumn?: string; nameColumn?: string } = {}) {
  return chooseColumns(header.map(normaliseHeader), flags);
}

describe('chooseColumns', () => {
  it.each([
    ['Mailchimp', ['Email Address', 'First Name', 'Last Name', 'MEMBER_RATING'], { email: 'email address', name: { first: 'first name', last: 'last name' } }],
    ['Substack', ['email', 'active_subscription', 'expiry', 'plan', 'email_disabled', 'created_at'], { email: 'email' }],
    ['Buttondown', ['email', 'notes', 'metadata', 'tags', 'subscriber_type', 'creation_date'], { email: 'email' }],
    ['listmonk', ['uuid', 'email', 'name', 'attributes', 'status'], { email: 'email', name: 'name' }],
  ])('recognises a %s export', (_tool, header, columns) => {
    expect(columnsOf(header)).toEqual({ ok: true, columns });
  });

  it('says which columns a file has when none holds the address', () => {
    expect(columnsOf(['Member', 'Phone'])).toEqual({
      ok: false,
      reason: 'has no email column (its columns are "member", "phone"): name it with --email-column, or make the first line name the columns, e.g. email,name',
    });
  });

  it('joins first and last name, and leaves out an empty one', () => {
    const choice = columnsOf(['Email Address', 'First Name', 'Last Name']);
    if (!choice.ok) throw new Error(choice.reason);
    expect(entryOf({ 'email address': 'a@example.com', 'first name': 'Ana', 'last name': 'Lima' }, choice.columns)).toEqual({
      email: 'a@example.com',
      name: 'Ana Lima',
    });
    expect(entryOf({ 'email address': 'b@example.com', 'first name': '', 'last name': '' }, choice.columns)).toEqual({ email: 'b@example.com' });
  });
});

describe('csvField', () => {
  it('quotes a field with a comma, semicolon, quote or line break', () => {
    expect(csvField('Lee, Ann')).toBe('"Lee, Ann"');
    // Spreadsheets set to a semicolon list separator would split there, and the rest could start a formula.
    expect(csvField('Lee; =1+2')).toBe('"Lee; =1+2"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
  });

  it.each([
    ['=HYPERLINK("https://evil.example/","Open")', `"'=HYPERLINK(""https://evil.example/"",""Open"")"`],
    ['+1+cmd|" /C calc"!A0', `"'+1+cmd|"" /C calc""!A0"`],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', `"'\r=1+2"`],
    // OWASP's example: the quote neutralises the first cell, the double quotes keep `;=1+2` in it.
    ['=1+2";=1+2', `"'=1+2"";=1+2"`],
    // A value that already starts with quotes before a formula gets one more, so the import can take one off.
    ["'=1+2", "''=1+2"],
  ])('writes %j with a quote in front, so that a spreadsheet shows it rather than runs it', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('leaves values that start no formula as they are', () => {
    for (const value of ['Ann Lee', "O'Brien", "'quoted'", '2026-03-02T08:00:00.000Z', 'ann+news@example.com', 'a=b']) expect(csvField(value)).toBe(value);
  });

  it('imports back every name and address it exported, formula or not', () => {
    const people = [
      { email: '-ann@example.com', name: '=HYPERLINK("https://evil.example/","Open")' },
      { email: 'bo@example.com', name: '+1' },
      { email: 'cy@example.com', name: "'=already quoted" },
      { email: 'di@example.com', name: "''@twice" },
      { email: 'ed@example.com', name: "'plain" },
      { email: 'fay@example.com', name: 'Lee; =1+2' },
    ];
    const file = ['email,name', ...people.map((p) => `${csvField(p.email)},${csvField(p.name)}`)].join('\r\n');
    // Read as `subscribers import` reads: csv-parse with trimmed values, keyed by normalised header.
    const records = parse(file, { columns: (header: string[]) => header.map(normaliseHeader), trim: true }) as Record<string, string>[];
    for (const record of records) for (const value of Object.values(record)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    expect(records.map((r) => entryOf(r, { email: 'email', name: 'name' }))).toEqual(people);
  });
});

describe('printable', () => {
  it('shows terminal control sequences and bidi controls as escapes', () => {
    expect(printable('a\u001b[2Jb\u0007\u009bc\u202Ed\te')).toBe('a\\x1b[2Jb\\x07\\x9bc\\u202ed\\x09e');
    expect(printable('Zoë 李')).toBe('Zoë 李');
  });
});
