import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import path from 'node:path';
import type { Config } from '../functions/core/config.js';
import { loadDeployConfig, readDeployParameters, type DeployParameters } from './deploy-parameters.js';
import { REPO_ROOT } from './handler-entries.js';
import { checkOwnTemplates, ownTemplatesForDeploy, type OwnTemplateFolder } from './own-templates.js';
import { NewsletterStack } from './newsletter-stack.js';

export const STACK_NAME = 'KeypointsNewsletter';

export interface CreateAppOptions {
  /** Context as `-c` would give it; tests pass `aws:cdk:bundling-stacks: []` here to skip bundling. */
  context?: Record<string, unknown>;
  outdir?: string;
}

/**
 * The CDK app: reads the deploy parameters and the newsletter config, builds the stack, and runs two
 * policy checks on synth: the cdk-nag AWS Solutions rules, and the AWS Control Tower proactive
 * controls (CloudFormation Guard rules, run offline by the cfn-guard binary that ships inside
 * `@cdklabs/cdk-validator-cfnguard`). A violation fails the synth; each acknowledgement says why.
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: NewsletterStack } {
  return build(prepare(options));
}

/**
 * What `cdk synth` runs (infra/app.ts): the app, once every newsletter's own templates have rendered
 * with sample values, so a broken template fails the synth with its file's name.
 */
export async function createCheckedApp(options: CreateAppOptions = {}): Promise<{ app: App; stack: NewsletterStack }> {
  const prepared = prepare(options);
  await checkOwnTemplates(prepared.config, prepared.ownTemplates);
  return build(prepared);
}

interface PreparedApp {
  app: App;
  config: Config;
  parameters: DeployParameters;
  ownTemplates: OwnTemplateFolder[];
}

function prepare(options: CreateAppOptions): PreparedApp {
  const app = new App({ ...(options.context ? { context: options.context } : {}), ...(options.outdir ? { outdir: options.outdir } : {}) });
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const { config, configFile } = loadDeployConfig(context);
  const parameters = readDeployParameters(context, config, configFile);
  const ownTemplates = ownTemplatesForDeploy(config, path.resolve(REPO_ROOT, configFile));
  return { app, config, parameters, ownTemplates };
}

function build({ app, config, parameters, ownTemplates }: PreparedApp): { app: App; stack: NewsletterStack } {
  const stack = new NewsletterStack(app, STACK_NAME, { config, parameters, ownTemplates });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  return { app, stack };
}
