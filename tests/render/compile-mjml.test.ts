import { describe, expect, it } from 'vitest';
import { compileMjml } from '../../functions/render/compile-mjml.js';
import { RenderError } from '../../functions/render/errors.js';

describe('compileMjml', () => {
  it('compiles valid MJML to an HTML document', async () => {
    const html = await compileMjml(
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>',
      't.mjml',
      'strict',
    );
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('Hello');
  });

  it.each(['strict', 'soft'] as const)('turns invalid MJML into a RenderError naming the template (%s)', async (level) => {
    const error = await compileMjml('<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>', 'bad.mjml', level).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).template).toBe('bad.mjml');
    expect((error as RenderError).details.join('\n')).toContain('mj-text cannot be used inside mj-section');
  });
});
