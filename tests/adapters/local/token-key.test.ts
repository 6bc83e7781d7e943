import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateTokenKey, loadTokenKeys } from '../../../functions/adapters/local/token-key.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { signToken, verifyToken } from '../../../functions/core/tokens.js';

const dataDir = () => mkdtemp(path.join(tmpdir(), 'newsletter-token-key-'));

describe('loadOrCreateTokenKey', () => {
  it('creates a 32-byte key readable only by its owner, leaves no temporary file, and reads the same key back', async () => {
    const dir = await dataDir();
    const key = await loadOrCreateTokenKey(dir);
    expect(key.length).toBe(32);
    expect((await stat(path.join(dir, 'token-key'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['token-key']);
    expect((await loadOrCreateTokenKey(dir)).equals(key)).toBe(true);
  });

  it('gives every command started at once the same key', async () => {
    const dir = await dataDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateTokenKey(dir)));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    expect(Buffer.from((await readFile(path.join(dir, 'token-key'), 'utf8')).trim(), 'base64').equals(keys[0]!)).toBe(true);
    expect(await readdir(dir)).toEqual(['token-key']);
  });

  it('refuses an empty key file with a one-line error that names the file and the way out', async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, 'token-key'), '', { mode: 0o600 });
    const error = await loadOrCreateTokenKey(dir).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ConfigError');
    expect((error as Error).message).toContain(path.join(dir, 'token-key'));
    expect((error as Error).message).toContain('0 bytes');
    expect((error as Error).message).toMatch(/delete it to generate a new key/);
    expect((error as Error).message).not.toContain('\n');
    // The short file is left for the operator: replacing it would break links already mailed.
    expect(await readFile(path.join(dir, 'token-key'), 'utf8')).toBe('');
  });

  it('refuses a key file holding fewer than 32 bytes', async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, 'token-key'), Buffer.alloc(31, 7).toString('base64'));
    await expect(loadOrCreateTokenKey(dir)).rejects.toThrow(/31 bytes, fewer than the 32 needed/);
  });
});

describe('loadTokenKeys', () => {
  it('signs with the rotated key from token-signing-keys.json while ids and older links stay as they were', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'token-keys-'));
    const before = await loadTokenKeys(dir);
    expect(before.signing).toBe(before.id);
    const id = subscriberId(before.id, 'reader@example.com');
    const mailed = signToken(before.signing, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });

    await writeFile(path.join(dir, 'token-signing-keys.json'), JSON.stringify({ signingKey: 'r'.repeat(64) }));
    const after = await loadTokenKeys(dir);
    expect(after.signing.equals(Buffer.from('r'.repeat(64)))).toBe(true);
    expect(subscriberId(after.id, 'reader@example.com')).toBe(id);
    expect(verifyToken(after, mailed, 'unsubscribe', 0).ok).toBe(true);
  });

  it('refuses a signing-keys file that is not JSON, naming the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'token-keys-'));
    const file = path.join(dir, 'token-signing-keys.json');
    await writeFile(file, 'not json');
    await expect(loadTokenKeys(dir)).rejects.toThrow(`signing keys from ${file} are not JSON`);
  });
});
