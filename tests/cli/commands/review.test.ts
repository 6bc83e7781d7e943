import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** approval "manual": drafts go to the operators, the list gets an edition only once it is approved. */
let ws: CliWorkspace;

// Each test has its own workspace: the drafts and skips it works on, it makes itself.
beforeEach(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-review-',
    configure: (config) => Object.assign(config.newsletters[0]!, { approval: 'manual', operators: ['editor@example.com'] }),
  });
  expect((await ws.run('subscribers', 'add', 'ann@example.com')).code).toBe(0);
});

afterEach(async () => ws?.stop());

async function received(since: number): Promise<ParsedMail[]> {
  return Promise.all(ws.servers.embedded.ses!.messages.slice(since).map((m) => simpleParser(m.raw)));
}

function to(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined;
}

async function editions(): Promise<{ editionId: string; status: string; subject: string; articles: { id: string; url?: string }[] }[]> {
  return JSON.parse((await ws.run('editions', 'list', '--json')).output);
}

/** Builds and approves an edition of the sample articles, so that only articles written after it are new. */
async function sendTheSampleArticles(): Promise<void> {
  expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
  const [draft] = await editions();
  expect((await ws.run('editions', 'approve', draft!.editionId)).code).toBe(0);
}

async function writeTwoNewArticles(): Promise<void> {
  await writeFile(
    path.join(ws.articles, 'second.md'),
    '# Robots learn to fold laundry\n\nA lab in Zurich taught a robot to fold shirts in under a minute. The method ' +
      'uses a small camera and a learned policy. It works on clothes it has never seen.\n',
  );
  await writeFile(
    path.join(ws.articles, 'third.md'),
    '# City opens a public AI lab\n\nThe city council opened a public lab where residents can try AI tools. Classes are free. The lab is open every weekday.\n',
  );
}

describe('approval "manual"', () => {
  it('sends nothing to the list before approval; approve sends once, a second approve does nothing', async () => {
    const run = await ws.run('digest', '--out', ws.out);
    expect(run.code).toBe(0);
    expect(run.output).toContain('built for review: sent to 1 operator, nothing sent to the list');
    const [review, ...others] = await received(0);
    expect(others).toEqual([]);
    expect(to(review!)).toBe('editor@example.com');
    expect(review!.subject).toMatch(/^\[審閱\] /);
    expect(review!.text).toMatch(/\/approve\?edition=[^&\s]+&token=\S+/);
    expect(review!.text).toMatch(/\/skip\?edition=[^&\s]+&token=\S+/);
    const [draft] = await editions();
    expect(draft!.status).toBe('draft');

    // The articles are reserved: a second run builds nothing and mails nobody.
    const again = await ws.run('digest', '--out', ws.out);
    expect(again.output).toContain(`Draft ${draft!.editionId} still waits for review`);
    expect(ws.servers.embedded.ses!.messages).toHaveLength(1);

    const approved = await ws.run('editions', 'approve', draft!.editionId);
    expect(approved.code).toBe(0);
    expect(approved.output).toMatch(/Sent 1 message \(0 already sent/);
    const sent = await received(1);
    expect(sent.map(to)).toEqual(['ann@example.com']);
    expect(sent[0]!.subject).toBe(review!.subject!.replace(/^\[審閱\] /, ''));
    expect((await editions())[0]!.status).toBe('sent');

    const twice = await ws.run('editions', 'approve', draft!.editionId);
    expect(twice.code).toBe(0);
    expect(twice.output).toContain('is sent, not a draft: nothing changed');
    expect(ws.servers.embedded.ses!.messages).toHaveLength(2);
  });

  it('skip sends nothing and releases the articles into the next draft, with its own subject and intro and without an excluded article', async () => {
    await sendTheSampleArticles();
    await writeTwoNewArticles();
    const before = ws.servers.embedded.ses!.messages.length;
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const [draft] = await editions();
    expect(draft!.status).toBe('draft');
    expect(draft!.articles).toHaveLength(2);

    const skipped = await ws.run('editions', 'skip', draft!.editionId);
    expect(skipped.output).toContain('skipped: nothing sent; its 2 article(s) go into the next edition');
    expect((await ws.run('editions', 'skip', draft!.editionId)).output).toContain('is skipped, not a draft: nothing changed');

    const excluded = draft!.articles.find((a) => a.id)!;
    const next = await ws.run('digest', '--out', ws.out, '--subject', 'Our pick this week', '--intro', 'Hello from the editor.', '--exclude', excluded.id);
    expect(next.code).toBe(0);
    const [second] = await editions();
    expect(second!.editionId).not.toBe(draft!.editionId);
    expect(second!.subject).toBe('Our pick this week');
    expect(second!.articles.map((a) => a.id)).toEqual(draft!.articles.map((a) => a.id).filter((id) => id !== excluded.id));
    const mails = await received(before);
    // Two review copies (the skipped draft's and this one), nothing to the list.
    expect(mails.map(to)).toEqual(['editor@example.com', 'editor@example.com']);
    expect(mails[1]!.subject).toBe('[審閱] Our pick this week');
    expect(mails[1]!.html).toContain('Hello from the editor.');
  });

  it('skip, then rebuild the same day: the same articles go into a new draft under a new id, and nothing is marked sent under the skipped one', async () => {
    // A draft of two new articles that has been skipped once and built again.
    await sendTheSampleArticles();
    await writeTwoNewArticles();
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const [first] = await editions();
    expect((await ws.run('editions', 'skip', first!.editionId)).code).toBe(0);
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const [waiting] = await editions();
    expect(waiting!.status).toBe('draft');
    expect((await ws.run('editions', 'skip', waiting!.editionId)).code).toBe(0);
    const before = ws.servers.embedded.ses!.messages.length;

    // Nothing changed: the released articles are the ones the first skipped draft carried, on the same day.
    const rebuilt = await ws.run('digest', '--out', ws.out);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.output).toContain('built for review: sent to 1 operator');
    expect(rebuilt.output).not.toContain('still waits for review');
    const list = await editions();
    const draft = list.find((e) => e.status === 'draft')!;
    const skipped = list.filter((e) => e.status === 'skipped');
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(skipped.map((e) => e.editionId)).not.toContain(draft.editionId);
    expect(draft.articles.map((a) => a.id).sort()).toEqual(
      skipped
        .find((e) => e.articles.length === draft.articles.length)!
        .articles.map((a) => a.id)
        .sort(),
    );
    expect(ws.servers.embedded.ses!.messages).toHaveLength(before + 1);

    // Skip once more and rebuild: the articles are still there for the next draft, never "Nothing new".
    expect((await ws.run('editions', 'skip', draft.editionId)).code).toBe(0);
    const third = await ws.run('digest', '--out', ws.out);
    expect(third.output).toContain('built for review');
    expect(third.output).not.toContain('Nothing new');
    const next = (await editions()).find((e) => e.status === 'draft')!;
    expect(next.editionId).not.toBe(draft.editionId);
    expect(next.articles.map((a) => a.id).sort()).toEqual(draft.articles.map((a) => a.id).sort());
  });
});
