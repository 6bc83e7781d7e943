import { NewsletterError } from '../core/errors.js';

/** Errors raised while turning a model into email HTML and text. */

export interface RenderErrorOptions {
  cause?: unknown;
  /** The template being rendered, such as `digest.mjml`. */
  template?: string;
  /** One line per problem, such as MJML validation messages with their line numbers. */
  details?: string[];
}

/**
 * A template could not be read, filled or compiled. The message says which template and what
 * failed; `details` lists every MJML problem so a template author can fix them in one pass.
 *
 * @example
 * try { await renderEdition(model); } catch (e) { if (e instanceof RenderError) console.error(e.details.join('\n')); }
 */
export class RenderError extends NewsletterError {
  readonly template: string | undefined;
  readonly details: string[];

  constructor(message: string, options: RenderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RenderError';
    this.template = options.template;
    this.details = options.details ?? [];
  }
}
