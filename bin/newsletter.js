#!/usr/bin/env node
// The `newsletter` command. The sources are TypeScript; tsx compiles them on the fly so the
// command works straight after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run that its 2027 releases need Node 22; the Lambda functions already
// run on 22 and the local command works on 20, so the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main, exitQuietlyOnBrokenPipe } = await import('../functions/cli/main.ts');
exitQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code));
process.exitCode = await main(process.argv);
