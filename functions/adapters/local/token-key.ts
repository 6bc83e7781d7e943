import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The local signing key: 32 random bytes generated once under the data dir (mode 0600) and read
 * back afterwards, so links in mail sent yesterday still verify today. On AWS the key comes from
 * Secrets Manager instead.
 */
export async function loadOrCreateTokenKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'token-key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length >= 32) return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx' fails when another command wrote the key first; then read theirs.
    await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    throw error;
  }
}
