import { Stack, Token } from 'aws-cdk-lib';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import { IConstruct, IDependable } from 'constructs';
import { membershipArnInStack, membershipIdOfArn, parseCleanRoomsArn } from './private/clean-rooms-arns';
import type { BoundMembership } from './private/membership-binding';
import { COLLABORATION_ID_RULES, describeValue, MEMBERSHIP_ID_RULES, validateString, validationError } from './private/validation';

/**
 * Attributes of a membership in an AWS Clean Rooms collaboration defined
 * outside this app. Give the membership's id or its ARN (or both, when they
 * agree).
 */
export interface CollaborationMembershipAttributes {
  /**
   * The membership's id: a lower-case UUID.
   *
   * @default - the id in `membershipArn`
   */
  readonly membershipId?: string;

  /**
   * The membership's ARN:
   * `arn:<partition>:cleanrooms:<region>:<account>:membership/<id>`.
   *
   * @default - the membership of `membershipId` in the stack's account and Region
   */
  readonly membershipArn?: string;

  /**
   * The id of the collaboration the membership belongs to: a lower-case
   * UUID. An audience generation job of this membership takes it as its
   * `collaborationId`.
   *
   * @default - unknown
   */
  readonly collaborationId?: string;
}

/**
 * Your account's membership in an AWS Clean Rooms collaboration: what a
 * configured audience model is associated through
 * (`ConfiguredAudienceModelAssociation`), and what a collaboration member's
 * audience generation job runs in.
 *
 * A membership belongs to the account that joined the collaboration: only
 * that account can use it. Refer to one by its id or ARN, or to an
 * `aws_cleanrooms.CfnMembership` of this app, which the resources using it
 * then wait for.
 */
export class CollaborationMembership {
  /**
   * A membership of the stack's account, by its id.
   *
   * @param membershipId the membership's id (a lower-case UUID)
   */
  public static fromMembershipId(membershipId: string): CollaborationMembership {
    return new CollaborationMembership({ membershipId });
  }

  /**
   * A membership by its ARN.
   *
   * @param membershipArn `arn:<partition>:cleanrooms:<region>:<account>:membership/<id>`
   */
  public static fromMembershipArn(membershipArn: string): CollaborationMembership {
    return new CollaborationMembership({ membershipArn });
  }

  /**
   * A membership by its id or ARN, with the id of its collaboration when
   * known.
   *
   * @param attrs the membership's attributes
   */
  public static fromMembershipAttributes(attrs: CollaborationMembershipAttributes): CollaborationMembership {
    return new CollaborationMembership(attrs ?? {});
  }

  /**
   * A membership defined in this app with aws-cdk-lib's
   * `aws_cleanrooms.CfnMembership`. Resources using it depend on it (they
   * are created after it, and deleted before it), and know its
   * collaboration from its `collaborationIdentifier`.
   *
   * @param membership the membership resource
   */
  public static fromCfnMembership(membership: cleanrooms.CfnMembership): CollaborationMembership {
    return new CollaborationMembership({
      membershipId: membership?.attrMembershipIdentifier,
      membershipArn: membership?.attrArn,
      collaborationId: typeof membership?.collaborationIdentifier === 'string' ? membership.collaborationIdentifier : undefined,
    }, membership);
  }

  /**
   * The membership's id (a token when the membership is defined in this
   * app, or only known from a token ARN).
   */
  public readonly membershipId: string;

  /**
   * The membership's ARN, when given (or defined in this app).
   */
  public readonly membershipArn?: string;

  /**
   * The id of the membership's collaboration, when known.
   */
  public readonly collaborationId?: string;

  /**
   * The membership resource of this app that users of the membership depend on.
   *
   * @internal
   */
  public readonly _dependable?: IDependable;

  private constructor(attrs: CollaborationMembershipAttributes, dependable?: IDependable) {
    this.membershipArn = attrs.membershipArn;
    this.membershipId = attrs.membershipId ?? (typeof attrs.membershipArn === 'string' ? membershipIdOfArn(attrs.membershipArn) ?? '' : '');
    this.collaborationId = attrs.collaborationId;
    this._dependable = dependable;
  }

  /**
   * Checks the membership for a construct of the stack that uses it, and
   * returns what that construct needs. A membership ARN of another account
   * is refused: a membership serves only the account that joined.
   *
   * @internal
   */
  public _bind(scope: IConstruct, field: string): BoundMembership {
    const arn = this.membershipArn;
    validateString(scope, `${field}.membershipArn`, arn, {
      pattern: /^arn:aws(-[a-z]+)*:cleanrooms:[a-z]{2,4}(-[a-z]+)+-[0-9]+:[0-9]{12}:membership\/[0-9a-f-]{36}$/,
      patternRule: 'be a membership ARN (arn:<partition>:cleanrooms:<region>:<account>:membership/<id>)',
    });
    if (arn === undefined && (this.membershipId === undefined || this.membershipId === '')) {
      throw validationError(scope, field, 'name a membership by its id or ARN', describeValue(this.membershipId));
    }
    validateString(scope, `${field}.membershipId`, this.membershipId, MEMBERSHIP_ID_RULES);
    validateString(scope, `${field}.collaborationId`, this.collaborationId, COLLABORATION_ID_RULES);

    const parsed = arn === undefined || Token.isUnresolved(arn) ? undefined : parseCleanRoomsArn(arn);
    if (parsed && !Token.isUnresolved(this.membershipId) && parsed.membershipId !== this.membershipId) {
      throw validationError(scope, `${field}.membershipId`, `be the id in membershipArn (${parsed.membershipId})`, describeValue(this.membershipId));
    }
    const stackAccount = Stack.of(scope).account;
    if (parsed && !Token.isUnresolved(stackAccount) && parsed.account !== stackAccount) {
      throw validationError(
        scope,
        field,
        `be a membership of the stack's account (${stackAccount}): a membership serves only the account that joined the collaboration`,
        describeValue(arn),
      );
    }
    return {
      membershipId: this.membershipId,
      membershipArn: arn ?? membershipArnInStack(scope, this.membershipId),
      collaborationId: this.collaborationId,
      dependable: this._dependable,
    };
  }
}
