import { describe, expect, it } from 'vitest';
import { BackgroundWork } from '../../../functions/adapters/local/background-work.js';

describe('BackgroundWork', () => {
  it('hands work over without running it before the caller goes on, and drains it', async () => {
    const background = new BackgroundWork();
    const done: string[] = [];
    await background.run(async () => void done.push('work'));
    done.push('answer');
    await background.drain();
    expect(done).toEqual(['answer', 'work']);
  });

  it('keeps running after a failing piece of work', async () => {
    const background = new BackgroundWork();
    await background.run(async () => {
      throw new Error('store down');
    });
    let ran = false;
    await background.run(async () => void (ran = true));
    await background.drain();
    expect(ran).toBe(true);
  });
});
