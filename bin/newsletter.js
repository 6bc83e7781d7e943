#!/usr/bin/env node
// The `newsletter` command. The sources are TypeScript; tsx compiles them on the fly so the
// command works straight after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run that future releases need Node 22; the functions already target 22.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String((typeof rest[0] === 'object' ? rest[0]?.type : rest[0]) ?? '').includes('NodeVersionSupportWarning')) return;
  return emitWarning(warning, ...rest);
};

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv);
