import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// ARNs of the AWS Clean Rooms resources (service `cleanrooms`, not
// `cleanrooms-ml`) the library refers to, as the service's model writes them
// (spec/cleanrooms-2022-02-17/service-2.json, shapes MembershipArn and
// ConfiguredAudienceModelAssociation.arn):
//   arn:<partition>:cleanrooms:<region>:<account>:membership/<membershipId>
//   arn:<partition>:cleanrooms:<region>:<account>:membership/<membershipId>/configuredaudiencemodelassociation/<id>
// The association sits under the membership, in the associating account.

/** The resource type of memberships in ARNs. */
export const MEMBERSHIP_ARN_RESOURCE_TYPE = 'membership';

/** What a well-formed Clean Rooms ARN of a membership or of a resource under it says. */
export interface CleanRoomsArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly membershipId: string;
  /** The id after `<childType>/`, for a resource under the membership. */
  readonly childId?: string;
}

const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-[0-9]+$/;
const ACCOUNT = /^[0-9]{12}$/;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The parts of `arn:<partition>:cleanrooms:<region>:<account>:membership/<id>`
 * (with `childType`: `…/membership/<id>/<childType>/<id>`), or undefined when
 * the literal string is not such an ARN.
 */
export function parseCleanRoomsArn(arn: string, childType?: string): CleanRoomsArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'cleanrooms') {
    return undefined;
  }
  const [, partition, , region, account, resource] = parts;
  const path = resource.split('/');
  const expected = childType === undefined ? 2 : 4;
  if (path.length !== expected || path[0] !== MEMBERSHIP_ARN_RESOURCE_TYPE || (childType !== undefined && path[2] !== childType)) {
    return undefined;
  }
  if (!PARTITION.test(partition) || !REGION.test(region) || !ACCOUNT.test(account) || !path.every((segment, i) => i % 2 === 0 || ID.test(segment))) {
    return undefined;
  }
  return { partition, region, account, membershipId: path[1], childId: childType === undefined ? undefined : path[3] };
}

/**
 * The id in a membership ARN: parsed from a literal, or the token that
 * selects it at deployment. `undefined` for a literal that is not a
 * membership ARN.
 */
export function membershipIdOfArn(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) {
    return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
  }
  return parseCleanRoomsArn(arn)?.membershipId;
}

/** The ARN of a membership of the stack's account and Region. */
export function membershipArnInStack(scope: IConstruct, membershipId: string): string {
  return Stack.of(scope).formatArn({ service: 'cleanrooms', resource: MEMBERSHIP_ARN_RESOURCE_TYPE, resourceName: membershipId });
}
