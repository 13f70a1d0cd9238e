import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

// What replaces a resource of the library, for the wait conditions of what
// depends on it (./wait-chain.ts): a wait condition waits only when it is
// created, so a resource replaced because one it references was replaced
// must get new wait conditions too.

/** The replacement keys of the library's resources that others' keys include (the training dataset's, the configured model's). */
const replacementKeys = new WeakMap<IConstruct, unknown>();

/** Records what replaces `construct`'s resource: its create-only properties, as written. */
export function registerReplacementKey(construct: IConstruct, key: unknown): void {
  replacementKeys.set(construct, key);
}

/**
 * What replaces `construct`'s resource, when the library made it in the
 * stack of `scope`; undefined for an imported one (its ARN, a string, is then
 * in the key) or one of another stack (whose references are the stack's
 * imports, fixed strings too).
 */
export function replacementKeyOf(construct: unknown, scope: IConstruct): unknown {
  if (!Construct.isConstruct(construct) || Stack.of(construct) !== Stack.of(scope)) {
    return undefined;
  }
  return replacementKeys.get(construct);
}

/**
 * What replaces a role made in the stack of `scope` (an `iam.Role`): its
 * name and path, which CloudFormation cannot change in place ("Update
 * requires: Replacement",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html).
 * Undefined for an imported role or one of another stack, whose ARN in the
 * template is a fixed string.
 */
export function roleReplacementKey(role: iam.IRole, scope: IConstruct): unknown {
  const resource = role.node.defaultChild;
  if (!(resource instanceof iam.CfnRole) || Stack.of(role) !== Stack.of(scope)) {
    return undefined;
  }
  // Neither given (a generated name, the default path): only a new logical id replaces it, which the GetAtt of its ARN shows.
  return resource.roleName === undefined && resource.path === undefined ? undefined : { roleName: resource.roleName, path: resource.path };
}
