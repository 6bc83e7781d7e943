import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDeployConfig, readDeployParameters } from './deploy-parameters.js';
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
  const app = new App({ ...(options.context ? { context: options.context } : {}), ...(options.outdir ? { outdir: options.outdir } : {}) });
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const { config, configFile } = loadDeployConfig(context);
  const parameters = readDeployParameters(context, config, configFile);
  const stack = new NewsletterStack(app, STACK_NAME, { config, parameters });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  return { app, stack };
}
