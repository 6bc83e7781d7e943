import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isAlive } from './embedded-servers.js';

/** The claim owner of a local run: this host and process, so a later run can tell it has died. */
export function localRunOwner(): string {
  return `local:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the owner of a claim is a local process on this host that is no longer running (a crash
 * or a kill): its claims can be taken over at once. Unknown (another host, a Lambda) otherwise.
 */
export function localOwnerGone(owner: string): boolean | undefined {
  const match = /^local:(.+):(\d+):[0-9a-f]+$/.exec(owner);
  if (!match || match[1] !== hostname()) return undefined;
  const pid = Number(match[2]);
  return pid !== process.pid && !isAlive(pid);
}
