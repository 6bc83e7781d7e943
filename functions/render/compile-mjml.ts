import mjml2html from 'mjml';
import { RenderError } from './errors.js';

/** MJML compilation: the only place mjml2html is called, so every page gets the same options and errors. */

interface MjmlProblem {
  formattedMessage?: string;
  message?: string;
}

/** Compiles filled MJML; every validation problem becomes a `RenderError` listing them all. */
export async function compileMjml(mjml: string, templateName: string, validationLevel: 'strict' | 'soft'): Promise<string> {
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    // No web fonts: the font stacks name system fonts, and a font import is a tracking request.
    result = await mjml2html(mjml, { validationLevel, fonts: {}, keepComments: false, minify: false, beautify: false });
  } catch (error) {
    const problems = (error as { errors?: MjmlProblem[] }).errors;
    const details = Array.isArray(problems) ? problems.map(describeProblem) : [error instanceof Error ? error.message : String(error)];
    throw new RenderError(`MJML could not compile ${templateName}: ${details.join('; ')}`, { cause: error, template: templateName, details });
  }
  if (result.errors.length > 0) {
    const details = result.errors.map(describeProblem);
    throw new RenderError(`MJML reported problems in ${templateName}: ${details.join('; ')}`, { template: templateName, details });
  }
  return result.html;
}

function describeProblem(problem: MjmlProblem): string {
  return problem.formattedMessage ?? problem.message ?? String(problem);
}
