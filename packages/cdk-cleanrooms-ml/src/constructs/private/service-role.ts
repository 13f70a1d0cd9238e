import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { CleanRoomsMl } from '../clean-rooms-ml';

// Roles that Clean Rooms ML assumes (training data read, audience output
// write, seed read) and the iam:PassRole grants for them. Every such role
// is trusted as the Clean Rooms ML user guide writes its trust policies
// ("Set up service roles for lookalike modeling",
// https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html:
// #ml-create-role-training, #ml-create-role-write-segment and
// #ml-create-role-read-seed): the service principal, with the
// confused-deputy conditions StringEqualsIfExists on aws:SourceAccount and
// ArnLikeIfExists on aws:SourceArn (the resource type's ARNs in the
// account and Region). The IfExists forms are the guide's: they hold
// another account's request to the keys' values whenever the service sends
// them, and keep the role usable on requests where it does not.

/** The service principal of Clean Rooms ML. */
export const CLEAN_ROOMS_ML_PRINCIPAL = CleanRoomsMl.SERVICE_PRINCIPAL;

/**
 * The ARN pattern matching every Clean Rooms ML resource of one type in the
 * stack's account and region: `arn:<partition>:cleanrooms-ml:<region>:<account>:<resourceType>/*`.
 *
 * @param resourceType e.g. `training-dataset`, `configured-audience-model`,
 * `audience-generation-job`
 */
export function cleanRoomsMlArnPattern(scope: IConstruct, resourceType: string): string {
  return cleanRoomsMlArn(scope, resourceType, '*');
}

/**
 * The ARN of a Clean Rooms ML resource (or a pattern, with `*`) in the stack's
 * account and region.
 */
export function cleanRoomsMlArn(scope: IConstruct, resourceType: string, resourceName: string): string {
  return Stack.of(scope).formatArn({ service: 'cleanrooms-ml', resource: resourceType, resourceName });
}

/**
 * The Clean Rooms ML service principal, allowed to act only for resources of
 * `resourceType` in the stack's account (`aws:SourceAccount` and
 * `aws:SourceArn`, with the user guide's IfExists operators), so another
 * account cannot make the service use the role.
 */
export function cleanRoomsMlPrincipal(scope: IConstruct, resourceType: string): iam.IPrincipal {
  return new iam.ServicePrincipal(CLEAN_ROOMS_ML_PRINCIPAL, {
    conditions: {
      StringEqualsIfExists: { 'aws:SourceAccount': Stack.of(scope).account },
      ArnLikeIfExists: { 'aws:SourceArn': cleanRoomsMlArnPattern(scope, resourceType) },
    },
  });
}

/** Options of `createCleanRoomsMlServiceRole`. */
export interface CleanRoomsMlServiceRoleOptions {
  /**
   * The resource type whose resources may make the service assume the role
   * (the `aws:SourceArn` condition), e.g. `training-dataset`.
   */
  readonly resourceType: string;
  /**
   * The role's description.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * Creates a role trusted by Clean Rooms ML for resources of one type, with no
 * permissions: the caller grants exactly what the resource needs.
 */
export function createCleanRoomsMlServiceRole(scope: Construct, id: string, options: CleanRoomsMlServiceRoleOptions): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: cleanRoomsMlPrincipal(scope, options.resourceType),
    description: options.description,
  });
}

/**
 * Grants `grantee` iam:PassRole on `role`, only for passing it to Clean Rooms
 * ML (`iam:PassedToService`).
 */
export function grantPassRoleToCleanRoomsMl(role: iam.IRole, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['iam:PassRole'],
    resourceArns: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': CLEAN_ROOMS_ML_PRINCIPAL } },
  });
}
