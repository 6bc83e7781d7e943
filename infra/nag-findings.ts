import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The finding id cdk-nag gives a wildcard resource built on another resource's ARN, such as
 * `AwsSolutions-IAM5[Resource::<ContentBucketDD05A3B9.Arn>/articles/*]`. cdk-nag v3 acknowledges
 * findings one by one, so the id has to be exact; computing it keeps it right when ids change.
 */
/** How `@cdklabs/cdk-validator-cfnguard` names a Control Tower rule in an acknowledgement. */
export function guardRule(rule: string): string {
  return `cdk-validator-cfnguard::${rule}`;
}

export function wildcardArnFinding(resource: IConstruct, suffix: string): string {
  const element = resource instanceof CfnElement ? resource : resource.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${resource.node.path} has no CloudFormation resource to name in a cdk-nag finding`);
  const stack = Stack.of(element);
  const logicalId = stack.resolve(stack.getLogicalId(element)) as string;
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`;
}
