/**
 * The AWS Clean Rooms suites' fixtures: the official AWS SDK client
 * (`@aws-sdk/client-cleanrooms`, not a client of the project's) pointed at
 * the emulator's Clean Rooms endpoint, and requests for a collaboration.
 */
import { CleanRooms, CreateCollaborationCommandInput } from '@aws-sdk/client-cleanrooms';
import type { CleanRoomsMlEmulator } from '../../../src/emulator';
import { REGION } from '../../fixtures/requests';

export const PARTNER_ACCOUNT_ID = '210987654321';

/** A client signing as `credentials` (default `test`/`test`), one attempt per call. */
export function cleanRoomsClient(
  emulator: CleanRoomsMlEmulator,
  credentials = { accessKeyId: 'test', secretAccessKey: 'test' },
): CleanRooms {
  return new CleanRooms({ endpoint: emulator.cleanRoomsEndpoint, region: REGION, credentials, maxAttempts: 1 });
}

/** A collaboration that invites the partner account. */
export function collaborationInput(name: string, members = [PARTNER_ACCOUNT_ID]): CreateCollaborationCommandInput {
  return {
    name,
    description: 'Lookalike audiences with a partner',
    creatorDisplayName: 'Model owner',
    creatorMemberAbilities: [],
    members: members.map((accountId) => ({ accountId, displayName: `Partner ${accountId}`, memberAbilities: ['CAN_QUERY', 'CAN_RECEIVE_RESULTS'] })),
    queryLogStatus: 'DISABLED',
  };
}

export interface CaughtSdkError {
  readonly name: string;
  readonly statusCode?: number;
  readonly message: string;
  /** The members the error shape adds (reason, resourceType, quotaName, ...). */
  readonly members: Record<string, unknown>;
}

/** The service error an SDK call fails with; fails the test if it succeeds. */
export async function sdkError(promise: Promise<unknown>): Promise<CaughtSdkError> {
  try {
    await promise;
  } catch (error) {
    const { name, message, $metadata, $fault: _fault, $response: _response, $retryable: _retryable, ...members } = error as Record<string, any>;
    if (!$metadata) {
      throw error;
    }
    delete members.$service;
    return { name, message, statusCode: $metadata.httpStatusCode, members };
  }
  throw new Error('Expected the call to fail, but it succeeded');
}
