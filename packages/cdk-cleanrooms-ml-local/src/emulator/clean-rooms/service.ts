/**
 * AWS Clean Rooms as the emulator speaks it at its second listener:
 * signing name `cleanrooms` (the model's metadata), the operations of
 * operations.ts with the inputs of constraints.ts, and its own error shapes.
 */
import { associationOperations } from './associations';
import { collaborationOperations } from './collaborations';
import { CLEAN_ROOMS_OPERATION_INPUTS } from './constraints';
import { internal, throttling, validation } from './errors';
import { membershipOperations } from './memberships';
import { CLEAN_ROOMS_OPERATIONS, CleanRoomsBinding, CleanRoomsOperationName, UNTHROTTLED_OPERATIONS } from './operations';
import { cleanRoomsTagOperations } from './tags';
import type { OperationHandler, OperationTable } from '../operation';
import type { EmulatedService } from '../server';

export const CLEAN_ROOMS_SIGNING_NAME = 'cleanrooms';

const TABLES: ReadonlyArray<OperationTable<CleanRoomsOperationName>> = [collaborationOperations, membershipOperations, associationOperations, cleanRoomsTagOperations];

export const CLEAN_ROOMS_SERVICE: EmulatedService = {
  title: 'AWS Clean Rooms',
  signingName: CLEAN_ROOMS_SIGNING_NAME,
  // The stats and fault draws tell its tag operations from Clean Rooms ML's.
  qualifiedName: (operation) => `cleanrooms:${operation}`,
  bindings: CLEAN_ROOMS_OPERATIONS,
  inputs: CLEAN_ROOMS_OPERATION_INPUTS,
  handlers: new Map<string, OperationHandler>(TABLES.flatMap((table) => Object.entries(table) as Array<[string, OperationHandler]>)),
  throttles: (operation) => !UNTHROTTLED_OPERATIONS.has(operation as CleanRoomsOperationName),
  successCode: (operation) => (CLEAN_ROOMS_OPERATIONS[operation as CleanRoomsOperationName] as CleanRoomsBinding).responseCode ?? 200,
  errors: { validation, throttling, internal },
};
