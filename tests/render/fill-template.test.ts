import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from '../../functions/core/edition.js';
import { RenderError } from '../../functions/render/errors.js';
import { fillTemplate, raw } from '../../functions/render/fill-template.js';

describe('fillTemplate', () => {
  it('escapes text slots and inserts trusted fragments as they are', () => {
    const filled = fillTemplate('<p>{{title}}</p>{{{body}}}', { title: '<b>Tom & {{x}}</b>', body: raw('<i>ok</i>') }, 't.mjml');
    expect(filled).toBe('<p>&lt;b&gt;Tom &amp; &#123;&#123;x&#125;&#125;&lt;/b&gt;</p><i>ok</i>');
  });

  it('keeps a section for a truthy value and its inverse for a falsy one', () => {
    const template = '{{#url}}link{{/url}}{{^url}}plain{{/url}}';
    expect(fillTemplate(template, { url: 'https://example.com' }, 't.mjml')).toBe('link');
    expect(fillTemplate(template, { url: undefined }, 't.mjml')).toBe('plain');
  });

  it('lets the per-reader placeholders through for the sender', () => {
    expect(fillTemplate(`<a href="${PLACEHOLDERS.unsubscribeUrl}">x</a>`, {}, 't.mjml')).toContain(PLACEHOLDERS.unsubscribeUrl);
  });

  it('names every unknown slot and the template in one RenderError', () => {
    const error = (() => {
      try {
        return fillTemplate('{{a}} {{{b}}} {{/c}}', { b: 'not trusted' }, 'broken.mjml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).template).toBe('broken.mjml');
    expect((error as RenderError).details).toEqual(expect.arrayContaining(['{{a}} has no value', '{{{b}}} needs a rendered fragment', 'unexpected {{/c}}']));
  });
});
