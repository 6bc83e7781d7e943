import path from 'node:path';
import type { Config, NewsletterConfig } from '../functions/core/config.js';
import type { EditionModel } from '../functions/core/edition.js';
import { ownTemplateFolders, templateFilesIn } from '../functions/adapters/template-folders.js';
import { renderEdition } from '../functions/render/render-edition.js';
import { checkMailTemplates } from '../functions/use-cases/subscriptions/mails.js';
import { DeployParameterError } from './deploy-parameters.js';

/**
 * Newsletters' own template folders on AWS. The functions that render (digest, subscription API)
 * read templates from their bundle, so at synth each own folder is copied into those bundles under
 * OWN_TEMPLATES_FOLDER, and the deployed config's `templatesDir` names that folder: the functions
 * then find `<bundle>/own-templates/<template>/`, as `newsletter dev` finds `<templatesDir>/<template>/`.
 */

/** The folder of the bundle, beside the bundled `templates/`, holding each own template folder by name. */
export const OWN_TEMPLATES_FOLDER = 'own-templates';

/** One own template folder: its name (the newsletters' `template`), where it is on disk, and the template files it holds. */
export interface OwnTemplateFolder {
  template: string;
  dir: string;
  /** Relative to `dir`, such as `confirm.mjml` or `partials/footer.mjml`; only these are copied. */
  files: string[];
}

/**
 * Each own template folder the config names, once per name, found from the config file's folder as
 * `newsletter` commands find them; a folder that is missing or holds no template file fails the synth.
 */
export function ownTemplatesForDeploy(config: Config, configFile: string): OwnTemplateFolder[] {
  let dirs: Record<string, string>;
  try {
    dirs = ownTemplateFolders(config, path.dirname(configFile), configFile);
  } catch (error) {
    throw new DeployParameterError((error as Error).message, { cause: error });
  }
  const folders = new Map<string, OwnTemplateFolder>();
  for (const newsletter of config.newsletters) {
    const dir = dirs[newsletter.id];
    if (dir && !folders.has(newsletter.template)) folders.set(newsletter.template, { template: newsletter.template, dir, files: templateFilesIn(dir) });
  }
  return [...folders.values()];
}

/**
 * Renders every mail of each newsletter with its own templates once, with sample values, so that a
 * broken template fails `cdk synth` with the file's name instead of the first reader's sign-up or
 * the first edition on AWS.
 */
export async function checkOwnTemplates(config: Config, folders: readonly OwnTemplateFolder[]): Promise<void> {
  const byName = new Map(folders.map((f) => [f.template, f.dir]));
  for (const newsletter of config.newsletters) {
    const dir = byName.get(newsletter.template);
    if (!dir) continue;
    try {
      await checkMailTemplates({ newsletters: [newsletter], templateDirs: { [newsletter.id]: dir } });
      await renderEdition(sampleEdition(newsletter), { templatesDir: dir });
    } catch (error) {
      throw new DeployParameterError(`newsletter "${newsletter.id}": ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The shell commands that copy the own template files into a bundle's output folder (run by bash in local bundling). */
export function copyOwnTemplatesCommands(folders: readonly OwnTemplateFolder[], outputDir: string): string[] {
  return folders.flatMap((folder) => {
    const target = path.join(outputDir, OWN_TEMPLATES_FOLDER, folder.template);
    const subfolders = [...new Set(folder.files.map((file) => path.dirname(path.join(target, file))))];
    return [
      `mkdir -p ${subfolders.map(shellQuoted).join(' ')}`,
      ...folder.files.map((file) => `cp ${shellQuoted(path.join(folder.dir, file))} ${shellQuoted(path.join(target, file))}`),
    ];
  });
}

/** A path as one shell word, whatever it holds (spaces, quotes, `$`). */
function shellQuoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** An edition of one sample article, in the newsletter's own language and title: what the digest check renders. */
function sampleEdition(newsletter: NewsletterConfig): EditionModel {
  return {
    newsletterId: newsletter.id,
    editionId: `${newsletter.id}-template-check`,
    newsletterTitle: newsletter.title,
    language: newsletter.language,
    date: '2025-01-06',
    subject: newsletter.title,
    preheader: 'A sample key point.',
    articles: [
      {
        id: 'sample',
        title: 'A sample article',
        keyPoints: ['A sample key point.'],
        url: 'https://example.com/sample',
        location: 'https://example.com/sample',
      },
    ],
    postalAddress: newsletter.postalAddress,
    fromName: newsletter.from.name,
    webUrl: `${newsletter.baseUrl.replace(/\/+$/, '')}/archive/sample`,
  };
}
