import { clientFor, errorReply, FakeService } from './fake-service';
import * as api from '../../src/client';
import {
  AccessDeniedException,
  CleanRoomsMlClient,
  CleanRoomsMlNetworkError,
  CleanRoomsMlServiceError,
  ConflictException,
  InternalServerException,
  InternalServiceException,
  isConflict,
  isNotFound,
  isThrottling,
  isTransient,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '../../src/client';
import { CLEAN_ROOMS_ML_MODEL, modelOperation, modelShape } from '../fixtures/cleanroomsml-model';

const MODEL_ARN = 'arn:aws:cleanrooms-ml:eu-west-1:123456789012:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

let service: FakeService;
let client: CleanRoomsMlClient;

beforeEach(async () => {
  service = await new FakeService().start();
  // One attempt: these tests are about how a reply is read, not about retries.
  client = clientFor(service, { maxAttempts: 1 });
});

afterEach(async () => {
  client.destroy();
  await service.close();
});

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => {
    throw new Error('expected the call to fail');
  }, (error: unknown) => error);
}

const SERVICE_ERRORS: Array<[string, number, Function, boolean]> = [
  ['ResourceNotFoundException', 404, ResourceNotFoundException, false],
  ['ConflictException', 409, ConflictException, false],
  ['ValidationException', 400, ValidationException, false],
  ['AccessDeniedException', 403, AccessDeniedException, false],
  ['ThrottlingException', 429, ThrottlingException, true],
  ['ServiceQuotaExceededException', 402, ServiceQuotaExceededException, false],
  ['InternalServiceException', 500, InternalServiceException, true],
  ['InternalServerException', 500, InternalServerException, true],
];

test.each(SERVICE_ERRORS)('fails with %s (HTTP %d) as its own class, with status, message and request id', async (type, status, errorClass, retryable) => {
  service.reply(errorReply(status, type, `the service says ${type}`));

  const error = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(errorClass);
  expect(error).toBeInstanceOf(CleanRoomsMlServiceError);
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({
    name: type,
    statusCode: status,
    message: `the service says ${type}`,
    requestId: `request-${type}`,
    operation: 'GetAudienceModel',
    retryable,
  });
});

/**
 * Every error shape the model declares for the operations the client calls,
 * and every server fault it declares at all (any call can meet a 500).
 */
const MODEL_ERRORS = [...new Set([
  ...api.OPERATION_NAMES.flatMap((operation) => (modelOperation(operation).errors ?? []).map((error) => error.shape)),
  ...Object.entries(CLEAN_ROOMS_ML_MODEL.shapes).filter(([, shape]) => shape.exception && shape.fault).map(([name]) => name),
])].sort();

test('the model\'s errors include its 500, InternalServiceException', () => {
  expect(MODEL_ERRORS).toContain('InternalServiceException');
});

test.each(MODEL_ERRORS)('fails with the model\'s %s as its own class, retryable only when a fault or throttling', async (type) => {
  const shape = modelShape(type);
  const status = shape.error!.httpStatusCode;
  service.reply(errorReply(status, type, `the service says ${type}`));

  const error = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));

  const errorClass = (api as unknown as Record<string, Function | undefined>)[type];
  expect(errorClass).toBeDefined();
  expect(error).toBeInstanceOf(errorClass!);
  expect(error).toMatchObject({ name: type, statusCode: status, retryable: shape.fault === true || status === 429 });
  expect(isTransient(error)).toBe(shape.fault === true || status === 429);
});

test('an InternalServiceException is retried like any 5xx, and the call then succeeds', async () => {
  client.destroy();
  client = clientFor(service, { maxAttempts: 3 });
  service.reply(errorReply(500, 'InternalServiceException', 'An internal service error occurred'), { body: { audienceModelArn: MODEL_ARN } });

  await expect(client.createAudienceModel({ name: 'm', trainingDatasetArn: MODEL_ARN })).resolves.toEqual({ audienceModelArn: MODEL_ARN });
  expect(service.requests).toHaveLength(2);
});

test('fails with ServiceQuotaExceededException carrying the quota name and value', async () => {
  service.reply(errorReply(402, 'ServiceQuotaExceededException', 'too many trainings', { quotaName: 'Pending audience models', quotaValue: 2 }));

  const error = await failure(client.createAudienceModel({ name: 'm', trainingDatasetArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(ServiceQuotaExceededException);
  expect(error).toMatchObject({ quotaName: 'Pending audience models', quotaValue: 2, message: 'too many trainings' });
});

test('fails with the class named only by the body __type, namespace prefix removed', async () => {
  service.reply({ status: 409, body: { __type: 'com.amazonaws.cleanroomsml#ConflictException', message: 'name in use' } });

  const error = await failure(client.createTrainingDataset({ name: 'd', roleArn: 'r', trainingData: [] }));

  expect(error).toBeInstanceOf(ConflictException);
  expect(error).toMatchObject({ name: 'ConflictException', message: 'name in use', statusCode: 409 });
});

test('fails with the class named by a body code and a capitalised Message', async () => {
  service.reply({ status: 404, body: { code: 'ResourceNotFoundException', Message: 'no such model' } });

  const error = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(ResourceNotFoundException);
  expect(error).toMatchObject({ message: 'no such model' });
});

test('fails with the header type when header and body disagree', async () => {
  service.reply({
    status: 400,
    headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/' },
    body: { __type: 'SomethingElse', message: 'bad name' },
  });

  const error = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(ValidationException);
});

test('fails with the base class under the service\'s name for an error type it does not know', async () => {
  service.reply(errorReply(400, 'BrandNewException', 'new in the API'));

  const error = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(CleanRoomsMlServiceError);
  expect(Object.getPrototypeOf(error)).toBe(CleanRoomsMlServiceError.prototype);
  expect(error).toMatchObject({ name: 'BrandNewException', statusCode: 400, message: 'new in the API', retryable: false });
});

test('fails with an UnknownError naming the operation and status when a reply has no error type or JSON body', async () => {
  service.reply({ status: 502, body: '<html>Bad Gateway</html>' });

  const error = await failure(client.listAudienceModels());

  expect(error).toBeInstanceOf(CleanRoomsMlServiceError);
  expect(error).toMatchObject({ name: 'UnknownError', statusCode: 502, message: 'ListAudienceModels failed with HTTP 502', retryable: true });
});

test('fails with an error whose message is the service message, so handlers can pass it on', async () => {
  service.reply(errorReply(409, 'ConflictException', 'Cannot delete audience model: configured audience models depend on it'));

  await expect(client.deleteAudienceModel({ audienceModelArn: MODEL_ARN }))
    .rejects.toThrow('Cannot delete audience model: configured audience models depend on it');
});

test('the is* helpers recognise the errors the client throws', async () => {
  service.reply(
    errorReply(404, 'ResourceNotFoundException', 'gone'),
    errorReply(409, 'ConflictException', 'in use'),
    errorReply(429, 'ThrottlingException', 'slow down'),
    errorReply(400, 'ValidationException', 'bad'),
  );
  const notFound = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));
  const conflict = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));
  const throttled = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));
  const invalid = await failure(client.getAudienceModel({ audienceModelArn: MODEL_ARN }));
  const unreachable = new CleanRoomsMlNetworkError('GetAudienceModel', 'ECONNRESET', 5, new Error('socket hang up'));

  expect([notFound, conflict, throttled, invalid, unreachable].map(isNotFound)).toEqual([true, false, false, false, false]);
  expect([notFound, conflict, throttled, invalid, unreachable].map(isConflict)).toEqual([false, true, false, false, false]);
  expect([notFound, conflict, throttled, invalid, unreachable].map(isThrottling)).toEqual([false, false, true, false, false]);
  expect([notFound, conflict, throttled, invalid, unreachable].map(isTransient)).toEqual([false, false, true, false, true]);
  expect(isTransient(new Error('plain'))).toBe(false);
});
