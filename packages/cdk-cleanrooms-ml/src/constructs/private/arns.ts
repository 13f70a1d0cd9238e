import { Arn, ArnFormat, IResource, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeInput, validationError } from './validation';

// The parts of a Clean Rooms ML ARN, as the service's current model writes
// each ARN shape (TrainingDatasetArn, AudienceModelArn, … in
// spec/cleanroomsml-2023-09-06/service-2.json):
//   arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:<type>/[-a-zA-Z0-9_/.]+
// Partition and Region are held to their real shapes (aws, aws-cn,
// aws-us-gov, aws-iso-b, aws-eusc…; us-east-1, us-gov-west-1,
// eusc-de-east-1…), which the model's looser patterns allow.
const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-[0-9]+$/;
const ACCOUNT = /^[0-9]{12}$/;
const RESOURCE_ID = /^[-a-zA-Z0-9_/.]+$/;

/**
 * What is wrong with a Clean Rooms ML ARN of `resourceType`
 * (`arn:<partition>:cleanrooms-ml:<region>:<account>:<resourceType>/<id>`),
 * or its id when nothing is. A token ARN (known only at deploy time) is not
 * checked: its id is a token too.
 *
 * @returns `{ id }`, or `{ problem }`: `''` when the value is not this kind
 * of ARN at all, else the part at fault (`, whose account is 12 digits`)
 */
function parseCleanRoomsMlArn(arn: unknown, resourceType: string): { readonly id: string } | { readonly problem: string } {
  if (typeof arn !== 'string') {
    return { problem: '' };
  }
  if (Token.isUnresolved(arn)) {
    return { id: Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName! };
  }
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'cleanrooms-ml') {
    return { problem: '' };
  }
  const [, partition, , region, account] = parts;
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  const id = slash < 0 ? '' : resource.slice(slash + 1);
  if (type !== resourceType || id === '') {
    return { problem: '' };
  }
  if (!PARTITION.test(partition)) {
    return { problem: ', whose partition is aws or aws-<name> (e.g. aws-cn, aws-us-gov)' };
  }
  if (!REGION.test(region)) {
    return { problem: ', whose Region is a Region code (e.g. us-east-1)' };
  }
  if (!ACCOUNT.test(account)) {
    return { problem: ', whose account is 12 digits' };
  }
  if (!RESOURCE_ID.test(id)) {
    return { problem: ', whose id is letters, digits, "-", "_", "/" and "."' };
  }
  return { id };
}

/**
 * The ARN itself when it is a well-formed Clean Rooms ML ARN of
 * `resourceType` (for `Resource`'s `environmentFromArn`), else undefined: a
 * malformed ARN must not reach Resource's own parsing, which throws a
 * message without the construct path or the field.
 */
export function environmentFromCleanRoomsMlArn(arn: unknown, resourceType: string): string | undefined {
  return 'id' in parseCleanRoomsMlArn(arn, resourceType) ? arn as string : undefined;
}

/**
 * The id of a Clean Rooms ML ARN given to an import, or a validation error
 * naming the field and the part of the ARN at fault.
 *
 * @param noun what the ARN names, e.g. `an audience model`
 */
export function cleanRoomsMlResourceIdOf(scope: IConstruct, field: string, arn: unknown, resourceType: string, noun: string): string {
  const parsed = parseCleanRoomsMlArn(arn, resourceType);
  if ('problem' in parsed) {
    const rule = `be ${noun} ARN (arn:<partition>:cleanrooms-ml:<region>:<account>:${resourceType}/<id>)${parsed.problem}`;
    throw validationError(scope, field, rule, describeInput(arn));
  }
  return parsed.id;
}

/**
 * The account a Clean Rooms ML resource belongs to: the account field of its
 * ARN when the ARN is known at synthesis, else the resource's environment
 * (a token for a resource of an environment-agnostic stack).
 */
export function accountOfCleanRoomsMlResource(resource: IResource, arn: string): string {
  if (!Token.isUnresolved(arn)) {
    const account = arn.split(':')[4];
    if (account !== undefined && account !== '') {
      return account;
    }
  }
  return resource.env.account;
}
