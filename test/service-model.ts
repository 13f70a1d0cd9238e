import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * AWS's current published model of Clean Rooms ML (botocore's
 * `service-2.json`, kept in spec/): the reference the tests hold the client,
 * the handlers and the emulator against (spec/README.md). Shared by every test
 * that reads the model, so they all read it the same way.
 */

/** A reference to a shape, with the HTTP binding when it is an input member. */
export interface ShapeRef {
  readonly shape: string;
  /** `uri`, `querystring` or `header`; absent for the JSON body. */
  readonly location?: string;
  readonly locationName?: string;
}

export interface ModelShape {
  readonly type: string;
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly required?: readonly string[];
  /** List element. */
  readonly member?: ShapeRef;
  /** Map key and value. */
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  /** A structure of which exactly one member is set. */
  readonly union?: boolean;
  readonly error?: { readonly httpStatusCode: number; readonly senderFault?: boolean };
  readonly exception?: boolean;
  /** A server-side error (5xx). */
  readonly fault?: boolean;
}

export interface ModelOperation {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: ShapeRef;
  readonly output?: ShapeRef;
  readonly errors?: readonly ShapeRef[];
}

export interface ServiceModel {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly operations: Readonly<Record<string, ModelOperation>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
}

export const CLEANROOMSML_MODEL_FILE = path.join(__dirname, '..', 'spec', 'cleanroomsml-2023-09-06', 'service-2.json');

export const CLEANROOMSML_MODEL: ServiceModel = JSON.parse(fs.readFileSync(CLEANROOMSML_MODEL_FILE, 'utf8'));

/** Botocore's `paginators-1.json`: which list operations page, and with which members. */
export interface Paginator {
  readonly input_token: string;
  readonly output_token: string;
  readonly limit_key: string;
  readonly result_key: string;
}

export const CLEANROOMSML_PAGINATORS: Readonly<Record<string, Paginator>> = JSON.parse(
  fs.readFileSync(path.join(path.dirname(CLEANROOMSML_MODEL_FILE), 'paginators-1.json'), 'utf8'),
).pagination;

/** The named shape; a typo in a test is an error, not an empty shape. */
export function modelShape(name: string, model: ServiceModel = CLEANROOMSML_MODEL): ModelShape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`the model has no shape ${name}`);
  return shape;
}

export function modelOperation(name: string, model: ServiceModel = CLEANROOMSML_MODEL): ModelOperation {
  const operation = model.operations[name];
  if (!operation) throw new Error(`the model has no operation ${name}`);
  return operation;
}

/** The input members of an operation, with their HTTP binding (none when it has no input). */
export function inputMembers(operation: string, model: ServiceModel = CLEANROOMSML_MODEL): Readonly<Record<string, ShapeRef>> {
  const input = modelOperation(operation, model).input;
  return input ? modelShape(input.shape, model).members ?? {} : {};
}
