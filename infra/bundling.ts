/**
 * One esbuild configuration for the deployed functions and the bundle bench, so that the bench
 * measures what Lambda runs.
 */

/** The Lambda runtime is Node.js 22; the bundle's syntax targets it. */
export const NODE_TARGET = 'node22';

/**
 * CommonJS dependencies bundled into an ES module still call `require` for Node built-ins; esbuild's
 * shim throws "Dynamic require ... is not supported" unless a real `require` exists at the top.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __newsletterCreateRequire } from 'node:module'; const require = __newsletterCreateRequire(import.meta.url);";

/**
 * Prefer the ES module build of dependencies (better tree shaking), falling back to CommonJS.
 * The AWS SDK is bundled too: the function then runs the SDK version the tests ran, and one
 * minified file loads faster than the runtime's copy spread over hundreds of files.
 */
export const MAIN_FIELDS = ['module', 'main'];
