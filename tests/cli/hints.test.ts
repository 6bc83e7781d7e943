import { describe, expect, it } from 'vitest';
import { withGlobalOptions } from '../../functions/cli/hints.js';

describe('withGlobalOptions', () => {
  it('puts the global options into every suggested command, also those quoted without npx', () => {
    const text =
      'Run "npx newsletter editions approve X" or `npx newsletter editions skip X`; then "newsletter editions resume" (the newsletter digest is fine).';
    expect(withGlobalOptions(text, ['--config', 'weekly.json'])).toBe(
      'Run "npx newsletter --config weekly.json editions approve X" or `npx newsletter --config weekly.json editions ' +
        'skip X`; then "newsletter --config weekly.json editions resume" (the newsletter digest is fine).',
    );
  });

  it('leaves the text as it is when no global option was given', () => {
    expect(withGlobalOptions('run "npx newsletter digest"', [])).toBe('run "npx newsletter digest"');
  });
});
