import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { ESM_REQUIRE_BANNER, EXTERNAL_MODULES, MAIN_FIELDS, MODULE_ALIASES, NODE_TARGET, workerBundleCommand } from '../bundling.js';
import { REPO_ROOT, assertEntriesExist, entryPath, workerBundleName, type HandlerEntry } from '../handler-entries.js';
import { METRICS_NAMESPACE } from '../../functions/handlers/metric-names.js';
import { guardRule } from '../nag-findings.js';
import { copyOwnTemplatesCommands, type OwnTemplateFolder } from '../own-templates.js';

export interface NewsletterFunctionProps {
  handler: HandlerEntry;
  description: string;
  /** The newsletter configuration as JSON (NEWSLETTER_CONFIG). */
  configJson: string;
  /**
   * Newsletters' own template folders, copied into the bundle under `own-templates/` beside the
   * bundled `templates/` when the handler renders (infra/own-templates.ts).
   */
  ownTemplates?: readonly OwnTemplateFolder[];
  /** @default 256 */
  memorySize?: number;
  /** @default 30 seconds */
  timeout?: Duration;
  /** @default one month */
  logRetention?: logs.RetentionDays;
  onFailure?: lambda.IDestination;
  retryAttempts?: number;
  /** @default Terminate (Lambda stops a Lambda → SQS → same Lambda chain after 16 hops) */
  recursiveLoop?: lambda.RecursiveLoop;
}

/**
 * A function of the product with its defaults baked in: Node.js 22 on ARM64, one minified ES module
 * bundled by the local esbuild (never Docker) with source maps, its own log group with a retention,
 * and its own role that may write only to that log group. Access to anything else is granted by the
 * construct that owns the resource, which also sets the variable naming it.
 *
 * @example
 * const fn = new NewsletterFunction(this, 'Sender', { handler: HANDLER_ENTRIES['send-batch'], description: 'Sends queued batches', configJson });
 * table.grantReadWrite(fn, FUNCTION_PARTITIONS.sender); // also sets TABLE_NAME
 */
export class NewsletterFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NewsletterFunctionProps) {
    assertEntriesExist([props.handler]);
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the AWS managed AWSLambdaBasicExecutionRole, which may write to any log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler.name}: ${props.description}`.slice(0, 1000),
    });
    logGroup.grantWrite(role);
    acknowledgeLogGroup(logGroup);

    super(scope, id, {
      entry: entryPath(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      role,
      // X-Ray traces of each invocation; Powertools Tracer adds the SDK calls as subsegments.
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      ...(props.onFailure ? { onFailure: props.onFailure } : {}),
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      ...(props.recursiveLoop ? { recursiveLoop: props.recursiveLoop } : {}),
      environment: {
        [ENV_NAMES.config]: props.configJson,
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools reads these: the service name in every log line and metric, the metrics namespace.
        POWERTOOLS_SERVICE_NAME: props.handler.name,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: NODE_TARGET,
        minify: true,
        sourceMap: true,
        // DEFAULT is esbuild's linked mode: the map in its own index.mjs.map file, found through the
        // sourceMappingURL comment that --enable-source-maps reads. EXTERNAL would drop the comment,
        // and INLINE would double the code Lambda loads at a cold start.
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        bundleAwsSDK: true,
        externalModules: [...EXTERNAL_MODULES],
        // Local bundling runs esbuild in the project root, from where the alias paths are resolved.
        esbuildArgs: Object.fromEntries(Object.entries(MODULE_ALIASES).map(([name, target]) => [`--alias:${name}`, target])),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The renderer reads its MJML templates from files at run time (the bundled ones and each
          // newsletter's own), and a worker thread is started from its own file beside index.mjs,
          // bundled here as a second entry.
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(props.handler.renders
              ? [
                  `cp -R "${path.join(inputDir, 'templates')}" "${path.join(outputDir, 'templates')}"`,
                  ...copyOwnTemplatesCommands(props.ownTemplates ?? [], outputDir),
                ]
              : []),
            ...props.handler.workers.map((worker) =>
              workerBundleCommand(
                path.join(inputDir, 'node_modules', '.bin', 'esbuild'),
                path.join(inputDir, worker),
                path.join(outputDir, workerBundleName(worker)),
              ),
            ),
          ],
        },
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource type, so "*" is the only ' +
        'resource IAM accepts for it; the other actions of this role are scoped.',
    });
    Validations.of(this).acknowledge({
      id: guardRule('lambda_inside_vpc_check'),
      reason:
        'The functions reach only AWS service endpoints and public feeds; a VPC would add NAT gateways (about $32 a ' +
        'month each) and cold-start latency and protect nothing, as no private resource exists.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundle targets node22 and the tests run on it; move to a newer runtime ' +
        'together with NODE_TARGET in infra/bundling.ts, not silently.',
    });
  }
}

/**
 * Function logs are operational (ids and counts, never an address) and kept for a month: a year's
 * retention and a customer-managed KMS key would cost more than the logs are worth.
 */
function acknowledgeLogGroup(logGroup: logs.LogGroup): void {
  Validations.of(logGroup).acknowledge(
    {
      id: guardRule('cloudwatch_log_group_retention_period_check'),
      reason: 'Logs carry ids and counts only, never an address; a month covers any investigation, and a year of logs would be paid for and never read.',
    },
    {
      id: guardRule('cloudwatch_log_group_encrypted_check'),
      reason:
        'CloudWatch Logs encrypts every log group at rest with its own key already; a customer-managed KMS key adds $1 ' +
        'a month and key policy work for logs that hold no personal data.',
    },
  );
}
