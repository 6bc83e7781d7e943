import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkTokenKey, MIN_TOKEN_KEY_BYTES, tokenKeysFrom, type TokenKeys } from '../../core/tokens.js';

/**
 * The local keys: the key under the data dir (`token-key`), which keys subscriber ids and never
 * changes, and the signing keys of a rotation in `token-signing-keys.json` beside it, when there is
 * one (the same document as the signing-keys secret on AWS: docs/security.md).
 */
export async function loadTokenKeys(dataDir: string): Promise<TokenKeys> {
  const idKey = await loadOrCreateTokenKey(dataDir);
  const file = path.join(dataDir, 'token-signing-keys.json');
  let document: string | undefined;
  try {
    document = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return tokenKeysFrom(idKey, document, file);
}

/**
 * The local id key (and signing key until a rotation): 32 random bytes generated once under the data dir (mode 0600) and read
 * back afterwards, so links in mail sent yesterday still verify today. On AWS the key comes from
 * Secrets Manager instead.
 *
 * The file appears whole or not at all: the key is written to a temporary file first and then
 * linked into place, which fails if another command created the key meanwhile (then theirs is read).
 * A key file that exists but is short (edited, or truncated by an older version) is refused, never
 * replaced: replacing it would silently break every link already mailed.
 */
export async function loadOrCreateTokenKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'token-key');
  const existing = await readKey(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(MIN_TOKEN_KEY_BYTES);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, file);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(temp, { force: true });
  }
  // Another command created the key between our read and our link: use theirs.
  return (await readKey(file))!;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return checkTokenKey(
    Buffer.from(text.trim(), 'base64'),
    file,
    'restore the file from a backup, or delete it to generate a new key (links in mail already sent stop working)',
  );
}
