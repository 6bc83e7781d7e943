import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests start real local servers (dynalite, SES, HTTP); give them room on a 2-core box.
    testTimeout: 30_000,
    // Most files wait on servers (dynalite, SES, HTTP, Chromium), not the CPU: two files at a time cut
    // the suite from about 270 s to about 200 s here; more would stretch single tests towards their timeouts.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
  },
});
