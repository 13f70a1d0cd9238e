/**
 * AWS::CleanRooms::Collaboration and AWS::CleanRooms::Membership: created
 * and deleted on the emulator's AWS Clean Rooms endpoint with the official
 * `@aws-sdk/client-cleanrooms`, their tags updated in place, as
 * AWS::CleanRoomsML::TrainingDataset is on the Clean Rooms ML endpoint.
 *
 * As CloudFormation documents the types
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cleanrooms-collaboration.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cleanrooms-membership.html):
 * - Collaboration: Ref is its identifier; Fn::GetAtt `Arn` and
 *   `CollaborationIdentifier`. CloudFormation requires `Description`.
 * - Membership: Ref is its identifier; Fn::GetAtt `Arn`, `CollaborationArn`,
 *   `CollaborationCreatorAccountId` and `MembershipIdentifier`.
 * Which property changes replace the resource is read from the types'
 * CloudFormation schemas (changes.ts): e.g. a collaboration's Members or
 * CreatorDisplayName, a membership's CollaborationIdentifier.
 *
 * The emulator serves neither UpdateCollaboration nor UpdateMembership, so
 * an in-place change of anything but Tags (a collaboration's Name,
 * Description or AnalyticsEngine; a membership's log statuses, result or
 * payment configuration) is refused with a message naming the properties.
 */
import {
  CleanRoomsClient,
  CreateCollaborationCommand,
  CreateCollaborationInput,
  CreateMembershipCommand,
  CreateMembershipInput,
  DeleteCollaborationCommand,
  DeleteMembershipCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cleanrooms';
import { camelCaseKeys, tagChanges, tagMap } from './cloudformation-properties';
import { handlerCall, isNotFoundError, handlerFailure, Provisioner, ProvisionResult, RefusedRequest, ResourceRequest } from './provisioning';
import type { ResourceRecord } from './state';
import { jsonEqual, JsonObject } from './template';

export const COLLABORATION_TYPE = 'AWS::CleanRooms::Collaboration';
export const MEMBERSHIP_TYPE = 'AWS::CleanRooms::Membership';

/** CloudFormation property names whose API member is not their camelCase form. */
const RENAMED = {
  MLMemberAbilities: 'mlMemberAbilities',
  AutoApprovedChangeTypes: 'autoApprovedChangeRequestTypes',
};

interface CreatedResource {
  readonly id: string;
  readonly arn: string;
  readonly attributes: Record<string, string>;
}

interface CleanRoomsType {
  readonly type: string;
  readonly required: readonly string[];
  /** The API's name of what cannot change in place here, for the refusal. */
  readonly updateOperation: string;
  /** Creates the resource; its id, ARN and Fn::GetAtt attributes. */
  create(client: CleanRoomsClient, input: Record<string, unknown>): Promise<CreatedResource>;
  delete(client: CleanRoomsClient, id: string): Promise<unknown>;
}

const COLLABORATION: CleanRoomsType = {
  type: COLLABORATION_TYPE,
  required: ['CreatorDisplayName', 'Description', 'Name', 'QueryLogStatus'],
  updateOperation: 'UpdateCollaboration',
  async create(client, input) {
    const { collaboration } = await client.send(new CreateCollaborationCommand({
      // CloudFormation's CreatorMemberAbilities and Members are optional, the API's are required.
      members: [],
      creatorMemberAbilities: [],
      ...input,
    } as unknown as CreateCollaborationInput));
    const { id, arn } = collaboration!;
    return { id: id!, arn: arn!, attributes: { Arn: arn!, CollaborationIdentifier: id! } };
  },
  delete: (client, id) => client.send(new DeleteCollaborationCommand({ collaborationIdentifier: id })),
};

const MEMBERSHIP: CleanRoomsType = {
  type: MEMBERSHIP_TYPE,
  required: ['CollaborationIdentifier', 'QueryLogStatus'],
  updateOperation: 'UpdateMembership',
  async create(client, input) {
    const { membership } = await client.send(new CreateMembershipCommand(input as unknown as CreateMembershipInput));
    const { id, arn, collaborationArn, collaborationCreatorAccountId } = membership!;
    return {
      id: id!,
      arn: arn!,
      attributes: {
        Arn: arn!,
        CollaborationArn: collaborationArn!,
        CollaborationCreatorAccountId: collaborationCreatorAccountId!,
        MembershipIdentifier: id!,
      },
    };
  },
  delete: (client, id) => client.send(new DeleteMembershipCommand({ membershipIdentifier: id })),
};

export const collaborations = cleanRoomsProvisioner(COLLABORATION);
export const memberships = cleanRoomsProvisioner(MEMBERSHIP);

function cleanRoomsProvisioner(kind: CleanRoomsType): Provisioner {
  return {
    async create(context, request) {
      const missing = kind.required.filter((name) => request.properties[name] === undefined);
      if (missing.length > 0) {
        throw new RefusedRequest(`Properties validation failed for resource ${request.logicalId} with message: [#: required key [${missing.join(', ')}] not found]`);
      }
      const { id, attributes } = await handlerCall(() => kind.create(context.target.cleanRooms, apiInput(request)));
      return { physicalResourceId: id, attributes, handling: 'emulator' };
    },

    async update(context, request, current) {
      const before = current.properties as JsonObject;
      const after = request.properties;
      const unsupported = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((name) => name !== 'Tags' && !jsonEqual(before[name] ?? null, after[name] ?? null))
        .sort();
      if (unsupported.length > 0) {
        throw new RefusedRequest(`${request.logicalId} (${kind.type}): ${unsupported.join(', ')} cannot change in place on the local emulator, `
          + `which does not serve ${kind.updateOperation} (only Tags change in place; create-only properties replace the resource)`);
      }
      const arn = String(current.attributes.Arn);
      const { removed, changed } = tagChanges(before.Tags, after.Tags);
      const { cleanRooms } = context.target;
      if (removed.length > 0) await handlerCall(() => cleanRooms.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed })));
      if (Object.keys(changed).length > 0) await handlerCall(() => cleanRooms.send(new TagResourceCommand({ resourceArn: arn, tags: changed })));
      return unchanged(current);
    },

    async delete(context, _logicalId, record) {
      try {
        await kind.delete(context.target.cleanRooms, record.physicalResourceId);
      } catch (error) {
        // Already gone is deleted (CloudFormation's handlers treat NotFound on delete as success).
        if (isNotFoundError(error)) return;
        throw handlerFailure(error);
      }
    },
  };
}

/** The create request's members: the properties in the API's names, the tags as its map. */
function apiInput(request: ResourceRequest): Record<string, unknown> {
  const { Tags: tags, ...rest } = request.properties;
  const input = camelCaseKeys(rest, RENAMED) as Record<string, unknown>;
  const tagsMap = tagMap(tags);
  return tagsMap && Object.keys(tagsMap).length > 0 ? { ...input, tags: tagsMap } : input;
}

function unchanged(current: ResourceRecord): ProvisionResult {
  return { physicalResourceId: current.physicalResourceId, attributes: { ...current.attributes }, handling: current.handling };
}
