import { it } from 'vitest';
import { createTestApp } from './stack-fixture.js';
it('x', () => {
  const { app } = createTestApp({hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com'});
  try { app.synth(); } catch (e) { console.log(String(e).slice(0,4000)) }
});
