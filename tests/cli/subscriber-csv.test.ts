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
    expect(entryOf({ 'email address': 'a@example.com', 'first name': 'Ana', 'last name': 'Lima' }, choice.columns)).toEqual({ email: 'a@example.com', name: 'Ana Lima' });
    expect(entryOf({ 'email address': 'b@example.com', 'first name': '', 'last name': '' }, choice.columns)).toEqual({ email: 'b@example.com' });
  });
});

describe('csvField', () => {
  it('quotes a field with a comma, quote or line break', () => {
    expect(csvField('Lee, Ann')).toBe('"Lee, Ann"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
  });
});

describe('printable', () => {
  it('shows terminal control sequences and bidi controls as escapes', () => {
    expect(printable('a\u001b[2Jb\u0007\u009bc\u202Ed\te')).toBe('a\\x1b[2Jb\\x07\\x9bc\\u202ed\\x09e');
    expect(printable('Zoë 李')).toBe('Zoë 李');
  });
});
