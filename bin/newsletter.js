#!/usr/bin/env node
// The `newsletter` command. The sources are TypeScript; tsx compiles them on the fly so the
// command works straight after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv);
