import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { embedForm } from '../../functions/use-cases/embed-form.js';

const newsletter = { id: 'tech-weekly', title: 'Tech Weekly', language: 'en' as const };

describe('embedForm', () => {
  it("posts the email, the newsletter and the empty honeypot to the API's /subscribe, with no script", () => {
    const html = embedForm(newsletter, 'https://news.example.com/');
    const doc = parseHTML(`<html><body>${html}</body></html>`).document as unknown as Document;
    const form = doc.querySelector('form')!;
    expect(form.getAttribute('method')).toBe('post');
    expect(form.getAttribute('action')).toBe('https://news.example.com/subscribe');
    expect(Array.from(form.querySelectorAll('input')).map((i) => i.getAttribute('name'))).toEqual(['email', 'newsletter', 'website']);
    expect(form.querySelector('input[name=newsletter]')?.getAttribute('value')).toBe('tech-weekly');
    expect(form.querySelector('input[name=website]')?.closest('[hidden]')).not.toBeNull();
    expect(doc.querySelector(`label[for="${form.querySelector('input[name=email]')?.id}"]`)?.textContent).toBe('Email address');
    expect(doc.querySelectorAll('script')).toHaveLength(0);
  });

  it('takes the deployed sign-up page as it is named in the stack output', () => {
    expect(embedForm(newsletter, 'https://abc.execute-api.eu-west-1.amazonaws.com/subscribe')).toContain(
      'action="https://abc.execute-api.eu-west-1.amazonaws.com/subscribe"',
    );
  });

  it('keeps a hostile newsletter title and id inert', () => {
    const html = embedForm({ id: 'x"><script>alert(1)</script>', title: '--><script>alert(2)</script>', language: 'en' }, 'https://news.example.com');
    const doc = parseHTML(`<html><body>${html}</body></html>`).document as unknown as Document;
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelector('input[name=newsletter]')?.getAttribute('value')).toBe('x"><script>alert(1)</script>');
  });

  it('refuses plain http to anything but this machine, and an address with a query', () => {
    expect(() => embedForm(newsletter, 'http://news.example.com')).toThrow(
      'the API address "http://news.example.com" must use https (plain http only for localhost)',
    );
    expect(embedForm(newsletter, 'http://localhost:3000')).toContain('action="http://localhost:3000/subscribe"');
    expect(() => embedForm(newsletter, 'https://news.example.com/?next=evil')).toThrow('has credentials, a query or a fragment');
    expect(() => embedForm(newsletter, 'news.example.com')).toThrow('is not a URL');
  });
});
