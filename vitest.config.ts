import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests run the `newsletter` command as users do, compiled: rebuild dist/ first when it is stale.
    globalSetup: ['tests/support/build-cli.ts'],
    // Integration tests start real local servers (dynalite, SES, HTTP); give them room on a 2-core box.
    testTimeout: 30_000,
    // Most files wait on servers (dynalite, SES, HTTP, Chromium), not the CPU, yet vitest runs one file
    // at a time on 2 cores. Measured here: one worker 272 s, three 195 s; two keeps most of the gain
    // without stretching single tests on a busy machine towards their timeouts.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
  },
});
