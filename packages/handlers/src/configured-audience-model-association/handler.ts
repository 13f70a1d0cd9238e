/**
 * `Custom::CleanRoomsConfiguredAudienceModelAssociation`: the AWS Clean
 * Rooms lifecycle of a configured audience model association, called
 * through `@aws-sdk/client-cleanrooms` (clean-rooms-sdk.ts). The association
 * has no status: CreateConfiguredAudienceModelAssociation answers with the
 * finished association, so nothing is polled. Its name and description
 * change in place (UpdateConfiguredAudienceModelAssociation, whose input has
 * no other member), its tags with Tag/UntagResource; anything else needs a
 * new association. A missing one is deleted already.
 */
import {
  CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE,
  ConfiguredAudienceModelAssociationAttribute,
  ConfiguredAudienceModelAssociationData,
  ConfiguredAudienceModelAssociationProperties,
} from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model-association';
import { CleanRoomsApi, cleanRoomsFromEnvironment, sdkErrorOf } from './clean-rooms-sdk';
import { describeCause, ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent } from '../framework/events';
import { boolean, optional, PropertySchema, string, stringMap } from '../framework/properties';
import { HandlerRuntime, Progress, ResourceHandler, ResourceNaming, Started } from '../framework/resource-handler';

const PROPERTIES: PropertySchema<ConfiguredAudienceModelAssociationProperties> = {
  MembershipId: string,
  ConfiguredAudienceModelArn: string,
  Name: optional(string),
  Description: optional(string),
  ManageResourcePolicies: boolean,
  Tags: optional(stringMap),
};

type Property = keyof ConfiguredAudienceModelAssociationProperties & string;

/** Fixed at creation: UpdateConfiguredAudienceModelAssociation takes only the name and description. */
const CREATE_ONLY: readonly Property[] = ['MembershipId', 'ConfiguredAudienceModelArn', 'ManageResourcePolicies'];

/** The model's ConfiguredAudienceModelAssociationName: 1 to 100 characters. */
const MAX_NAME_LENGTH = 100;

const ASSOCIATION_ARN = new RegExp(
  `^arn:aws[-a-z]*:cleanrooms:[-a-z0-9]+:[0-9]{12}:membership/([0-9a-f-]{36})/${CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE}/([0-9a-f-]{36})$`,
);

interface RefusalOptions {
  /** A name taken stays as it is, for createOrAdopt. */
  readonly keepNameTaken?: boolean;
  /** The call names the existing association: missing, it is the association. */
  readonly existing?: boolean;
}

interface AssociationIds {
  readonly membershipIdentifier: string;
  readonly configuredAudienceModelAssociationIdentifier: string;
}

export class ConfiguredAudienceModelAssociationHandler
  extends ResourceHandler<ConfiguredAudienceModelAssociationProperties, ConfiguredAudienceModelAssociationData> {
  protected readonly noun = 'configured audience model association';
  private cleanRoomsClient?: CleanRoomsApi;

  /** @param cleanRooms the AWS Clean Rooms client (default: the SDK's, from the environment) */
  constructor(runtime: HandlerRuntime, event: CustomResourceEvent, private readonly cleanRoomsOverride?: CleanRoomsApi) {
    super(runtime, event, PROPERTIES, CREATE_ONLY);
  }

  private get cleanRooms(): CleanRoomsApi {
    this.cleanRoomsClient ??= this.cleanRoomsOverride ?? cleanRoomsFromEnvironment();
    return this.cleanRoomsClient;
  }

  protected onCreate(): Promise<Started> {
    return this.createAssociation();
  }

  protected async onUpdate(): Promise<Started> {
    const arn = this.physicalArn();
    const changed = this.changedProperties();
    const fixed = await this.changesRequiringReplacement(arn, changed);
    if (arn === undefined || fixed.length > 0) {
      if (arn !== undefined) {
        this.refuseReplacementOfNamedResource('Name', 'name', fixed);
      }
      this.log.info('Replacing the configured audience model association: these properties cannot change in place', { changed: fixed });
      return this.createAssociation();
    }
    const props = this.properties;
    if (changed.includes('Name') || changed.includes('Description')) {
      await this.explainRefusal(() => this.cleanRooms.updateConfiguredAudienceModelAssociation({
        ...idsOf(arn),
        // A name the user removed becomes a generated one: the association always has a name.
        ...(changed.includes('Name') ? { name: props.Name ?? this.generatedName(MAX_NAME_LENGTH) } : {}),
        ...(changed.includes('Description') ? { description: props.Description ?? '' } : {}),
      }), { existing: true });
      this.log.info('Updated the configured audience model association', { arn, changed: changed.filter((p) => p === 'Name' || p === 'Description') });
    }
    if (changed.includes('Tags')) {
      await this.updateTags(arn, this.oldProperties.Tags, props.Tags);
    }
    return { physicalResourceId: arn };
  }

  protected async onDelete(): Promise<void> {
    const arn = this.physicalArn();
    if (arn === undefined) {
      this.log.info('Nothing to delete: the physical id is not a configured audience model association ARN');
      return;
    }
    try {
      // With ManageResourcePolicies, AWS Clean Rooms removes the statement it wrote on the configured model.
      await this.cleanRooms.deleteConfiguredAudienceModelAssociation(idsOf(arn));
      this.log.info('Deleted the configured audience model association', { arn });
    } catch (err) {
      if (this.isNotFoundError(err)) {
        this.log.info('The configured audience model association is already gone', { arn });
        return;
      }
      throw this.explained(err);
    }
  }

  protected isCreateComplete(): Promise<Progress<ConfiguredAudienceModelAssociationData>> {
    return this.attributes();
  }

  protected isUpdateComplete(): Promise<Progress<ConfiguredAudienceModelAssociationData>> {
    return this.attributes();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    // DeleteConfiguredAudienceModelAssociation answers once the association is gone.
    return this.done(undefined);
  }

  // --- AWS Clean Rooms' calls for what the base class does --------------------

  protected async tagsOf(resourceArn: string): Promise<Record<string, string>> {
    return (await this.cleanRooms.listTagsForResource({ resourceArn })).tags ?? {};
  }

  protected async tag(resourceArn: string, tags: Record<string, string>): Promise<void> {
    await this.cleanRooms.tagResource({ resourceArn, tags });
  }

  protected async untag(resourceArn: string, tagKeys: string[]): Promise<void> {
    await this.cleanRooms.untagResource({ resourceArn, tagKeys });
  }

  protected isNameTaken(err: unknown): boolean {
    const { name, reason } = sdkErrorOf(err);
    return name === 'ConflictException' && (reason === undefined || reason === 'ALREADY_EXISTS');
  }

  protected isNotFoundError(err: unknown): boolean {
    return sdkErrorOf(err).name === 'ResourceNotFoundException';
  }

  protected isTransientError(err: unknown): boolean {
    const { name, statusCode } = sdkErrorOf(err);
    return name === 'ThrottlingException' || statusCode === 429 || (statusCode !== undefined && statusCode >= 500)
      || (statusCode === undefined && name !== undefined && /Timeout|ECONNRESET|ECONNREFUSED|NetworkingError/.test(name));
  }

  // ---------------------------------------------------------------------------

  /** Creates the association, or adopts the one an earlier attempt of this request created. */
  private async createAssociation(): Promise<Started> {
    const props = this.properties;
    const arn = await this.createOrAdopt(
      async (name) => {
        const { configuredAudienceModelAssociation } = await this.explainRefusal(() => this.cleanRooms.createConfiguredAudienceModelAssociation({
          membershipIdentifier: props.MembershipId,
          configuredAudienceModelArn: props.ConfiguredAudienceModelArn,
          configuredAudienceModelAssociationName: name,
          manageResourcePolicies: props.ManageResourcePolicies,
          description: props.Description,
          tags: this.creationTags(props.Tags),
        }), { keepNameTaken: true });
        return configuredAudienceModelAssociation!.arn!;
      },
    );
    return { physicalResourceId: arn };
  }

  protected createdResourceNaming(): ResourceNaming {
    const props = this.properties;
    return {
      name: props.Name ?? this.generatedName(MAX_NAME_LENGTH),
      findArn: (name) => this.findArnByName(props.MembershipId, name),
    };
  }

  private async findArnByName(membershipIdentifier: string, name: string): Promise<string | undefined> {
    let nextToken: string | undefined;
    do {
      const page = await this.cleanRooms.listConfiguredAudienceModelAssociations({ membershipIdentifier, nextToken });
      const found = page.configuredAudienceModelAssociationSummaries?.find((summary) => summary.name === name);
      if (found) return found.arn;
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  /**
   * Runs a call; a refusal becomes a message naming the property at fault (a
   * name taken stays as it is with `keepNameTaken`, for createOrAdopt; a
   * missing resource is the association itself with `existing`).
   */
  private async explainRefusal<T>(call: () => Promise<T>, options: RefusalOptions = {}): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (options.keepNameTaken && this.isNameTaken(err)) throw err;
      throw this.explained(err, options.existing);
    }
  }

  /** An SDK error as the user can act on it: which property, which rule. */
  private explained(err: unknown, existing = false): Error {
    const { name, reason, resourceType } = sdkErrorOf(err);
    const cause = describeCause(err);
    const props = this.event.RequestType === 'Delete' ? undefined : this.properties;
    switch (name) {
      case 'ResourceNotFoundException':
        // An in-place update names an existing association: missing, it was deleted outside the stack
        // (the model's resourceType enum has no value for associations, so the error cannot say so itself).
        if (existing && resourceType !== 'MEMBERSHIP') {
          return new ResourceFailure(`the configured audience model association ${this.physicalResourceId} no longer exists: it was deleted outside this stack (${cause})`);
        }
        return new ResourceFailure(resourceType === 'MEMBERSHIP'
          ? `property MembershipId: the membership ${props?.MembershipId ?? ''} does not exist in this account; it must be the associating account's own membership (${cause})`
          : `property ConfiguredAudienceModelArn: the configured audience model ${props?.ConfiguredAudienceModelArn ?? ''} must exist in the associating account (${cause})`);
      case 'ConflictException':
        return new ResourceFailure(reason === 'INVALID_STATE'
          ? `property MembershipId: the membership ${props?.MembershipId ?? ''} must be ACTIVE to associate through it (${cause})`
          : `the association conflicts with the collaboration's current state (${cause})`);
      case 'ValidationException':
        return new ResourceFailure(`AWS Clean Rooms refused the association's properties (${cause})`);
      case 'AccessDeniedException':
        return new ResourceFailure(props?.ManageResourcePolicies
          ? `access denied (${cause}); with ManageResourcePolicies the caller also needs cleanrooms-ml:GetConfiguredAudienceModel, `
            + 'cleanrooms-ml:GetConfiguredAudienceModelPolicy, cleanrooms-ml:PutConfiguredAudienceModelPolicy and cleanrooms-ml:DeleteConfiguredAudienceModelPolicy'
          : `access denied (${cause}); the caller needs cleanrooms-ml:GetConfiguredAudienceModel on the configured audience model`);
      default:
        return err instanceof Error ? err : new Error(cause);
    }
  }

  /** Every attribute: the association exists once Create answered. */
  private async attributes(): Promise<Progress<ConfiguredAudienceModelAssociationData>> {
    const arn = this.physicalArn();
    if (arn === undefined) {
      throw new ResourceFailure(`the physical id ${JSON.stringify(this.physicalResourceId)} is not a configured audience model association ARN`);
    }
    let association;
    try {
      ({ configuredAudienceModelAssociation: association } = await this.cleanRooms.getConfiguredAudienceModelAssociation(idsOf(arn)));
    } catch (err) {
      if (this.isNotFoundError(err)) {
        throw new ResourceFailure(`the configured audience model association ${arn} no longer exists: it was deleted outside this stack`);
      }
      throw err;
    }
    return this.done({
      [ConfiguredAudienceModelAssociationAttribute.ID]: association!.id ?? '',
      [ConfiguredAudienceModelAssociationAttribute.ARN]: association!.arn ?? arn,
      [ConfiguredAudienceModelAssociationAttribute.NAME]: association!.name ?? '',
      [ConfiguredAudienceModelAssociationAttribute.COLLABORATION_ID]: association!.collaborationId ?? '',
      [ConfiguredAudienceModelAssociationAttribute.COLLABORATION_ARN]: association!.collaborationArn ?? '',
      [ConfiguredAudienceModelAssociationAttribute.MEMBERSHIP_ARN]: association!.membershipArn ?? '',
    });
  }

  /** The physical id when it is an association ARN; `undefined` for anything else (the framework's CREATE_FAILED marker). */
  private physicalArn(): string | undefined {
    const id = this.physicalResourceId;
    return id !== undefined && ASSOCIATION_ARN.test(id) ? id : undefined;
  }
}

/** The identifiers an association's ARN carries: its membership's and its own. */
function idsOf(arn: string): AssociationIds {
  const [, membershipIdentifier, configuredAudienceModelAssociationIdentifier] = ASSOCIATION_ARN.exec(arn)!;
  return { membershipIdentifier, configuredAudienceModelAssociationIdentifier };
}
