#!/usr/bin/env node
// The `newsletter` command: the compiled JavaScript in dist/, which `npm ci` builds (the `prepare`
// script; `npm run build` after changing the sources). Compiling TypeScript on every run cost
// seconds of CPU per command.
import { existsSync } from 'node:fs';

// The AWS SDK warns on every run that its 2027 releases need Node 22; the Lambda functions already
// run on 22 and the local command works on 20, so the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const compiled = new URL('../dist/functions/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('newsletter: the command is not built (dist/ is missing): run "npm run build" in the package folder, or "npm ci"\n');
  process.exit(1);
}
const { main, exitQuietlyOnBrokenPipe } = await import(compiled.href);
exitQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code));
process.exitCode = await main(process.argv);
