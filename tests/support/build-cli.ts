import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

/**
 * Tests spawn `node bin/newsletter.js`, which runs the compiled dist/. Before any test runs, this
 * rebuilds dist/ when a source the CLI compiles from is newer than the last build, so a stale build
 * never tests old code. `tsc -p tsconfig.build.json` is incremental: a no-op costs a few seconds.
 */
const SOURCE_FOLDERS = ['functions', 'templates'];
const BUILD_STAMP = 'dist/.tsbuildinfo';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(BUILD_STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

export default function buildCli(): void {
  const newest = Math.max(...SOURCE_FOLDERS.map(newestSource), statSync('tsconfig.build.json').mtimeMs, statSync('tsconfig.json').mtimeMs);
  if (newest <= builtAt()) return;
  execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // tsc leaves the stamp alone when a touched file compiles to the same output.
  const now = new Date();
  utimesSync(BUILD_STAMP, now, now);
}
