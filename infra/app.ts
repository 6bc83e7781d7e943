import { createCheckedApp } from './create-app.js';

/** `npx cdk synth` / `npx cdk deploy` run this (see cdk.json). */
try {
  (await createCheckedApp()).app.synth();
} catch (error) {
  console.error(`cdk app: ${(error as Error).message}`);
  process.exitCode = 1;
}
