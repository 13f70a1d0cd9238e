/**
 * The HTTP binding (restJson1) of every AWS Clean Rooms operation the
 * emulator serves, as the service's published model
 * (spec/cleanrooms-2022-02-17/service-2.json) declares it: the
 * collaborations, memberships and configured audience model associations a
 * configured audience model needs to be used in a collaboration, and the
 * tag operations. test/emulator/clean-rooms/model-drift.test.ts holds the
 * table to the model.
 */
import type { OperationBinding } from '../../client/operations';

/** A binding and, where it is not 200, the status code of a successful reply. */
export interface CleanRoomsBinding extends OperationBinding {
  readonly responseCode?: 204;
}

const ASSOCIATIONS = '/memberships/{membershipIdentifier}/configuredaudiencemodelassociations';
const ASSOCIATION = `${ASSOCIATIONS}/{configuredAudienceModelAssociationIdentifier}`;
const ASSOCIATION_PATH_PARAMS = ['membershipIdentifier', 'configuredAudienceModelAssociationIdentifier'];

export const CLEAN_ROOMS_OPERATIONS = {
  CreateCollaboration: { method: 'POST', path: '/collaborations', pathParams: [], queryParams: [] },
  GetCollaboration: { method: 'GET', path: '/collaborations/{collaborationIdentifier}', pathParams: ['collaborationIdentifier'], queryParams: [] },
  DeleteCollaboration: { method: 'DELETE', path: '/collaborations/{collaborationIdentifier}', pathParams: ['collaborationIdentifier'], queryParams: [], responseCode: 204 },
  ListCollaborations: { method: 'GET', path: '/collaborations', pathParams: [], queryParams: ['nextToken', 'maxResults', 'memberStatus'] },
  CreateMembership: { method: 'POST', path: '/memberships', pathParams: [], queryParams: [] },
  GetMembership: { method: 'GET', path: '/memberships/{membershipIdentifier}', pathParams: ['membershipIdentifier'], queryParams: [] },
  DeleteMembership: { method: 'DELETE', path: '/memberships/{membershipIdentifier}', pathParams: ['membershipIdentifier'], queryParams: [], responseCode: 204 },
  ListMemberships: { method: 'GET', path: '/memberships', pathParams: [], queryParams: ['nextToken', 'maxResults', 'status'] },
  CreateConfiguredAudienceModelAssociation: { method: 'POST', path: ASSOCIATIONS, pathParams: ['membershipIdentifier'], queryParams: [] },
  GetConfiguredAudienceModelAssociation: { method: 'GET', path: ASSOCIATION, pathParams: ASSOCIATION_PATH_PARAMS, queryParams: [] },
  UpdateConfiguredAudienceModelAssociation: { method: 'PATCH', path: ASSOCIATION, pathParams: ASSOCIATION_PATH_PARAMS, queryParams: [] },
  DeleteConfiguredAudienceModelAssociation: { method: 'DELETE', path: ASSOCIATION, pathParams: ASSOCIATION_PATH_PARAMS, queryParams: [], responseCode: 204 },
  ListConfiguredAudienceModelAssociations: {
    method: 'GET', path: ASSOCIATIONS, pathParams: ['membershipIdentifier'], queryParams: ['nextToken', 'maxResults'],
  },
  TagResource: { method: 'POST', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: [] },
  UntagResource: { method: 'DELETE', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: ['tagKeys'] },
  ListTagsForResource: { method: 'GET', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: [] },
} as const satisfies Record<string, CleanRoomsBinding>;

export type CleanRoomsOperationName = keyof typeof CLEAN_ROOMS_OPERATIONS;

export const CLEAN_ROOMS_OPERATION_NAMES = Object.keys(CLEAN_ROOMS_OPERATIONS) as CleanRoomsOperationName[];

/** The operations whose model declares no ThrottlingException: the three tag operations. */
export const UNTHROTTLED_OPERATIONS: ReadonlySet<CleanRoomsOperationName> = new Set<CleanRoomsOperationName>([
  'TagResource', 'UntagResource', 'ListTagsForResource',
]);
