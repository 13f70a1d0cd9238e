/**
 * An embedded AWS Clean Rooms ML endpoint for tests, demos and local deploys.
 *
 * ```ts
 * const emulator = await CleanRoomsMlEmulator.start({ timings: { audienceModel: { createInProgressMs: 50 } } });
 * const client = new CleanRoomsMlClient({ endpoint: emulator.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * ...
 * await emulator.stop();
 * ```
 *
 * It speaks the service's restJson1 protocol for all 25 operations, as
 * bound in the published model (cleanroomsml 2023-09-06), and checks SigV4
 * (signing name `cleanrooms-ml`, the emulator's region; see signature.ts for
 * the error each authentication problem gets).
 *
 * Behaviour:
 * - Every input is validated against one constraint table (constraints.ts),
 *   held to AWS's current model: ValidationException (400) naming the field
 *   path, also for a member the operation does not have.
 * - ARNs are `arn:<partition>:cleanrooms-ml:<region>:<account>:<type>/<uuid>`.
 *   An ARN of another resource type than the member's is a
 *   ValidationException (the model gives each type its own ARN pattern). An
 *   unknown ARN is ResourceNotFoundException (404), and so is a well-formed
 *   ARN of another account, region or partition (the resource cannot exist
 *   here). A role ARN outside the emulator's account is AccessDeniedException (403).
 * - Names are unique per resource type (export jobs: per generation job):
 *   ConflictException (409). So are deletes of a training dataset used by
 *   an audience model, an audience model used by a configured audience
 *   model, and a configured audience model used by a generation job.
 * - Statuses follow from timestamps (no timers; a state file survives
 *   restarts): audience models and generation jobs go CREATE_PENDING →
 *   CREATE_IN_PROGRESS → ACTIVE and DELETE_PENDING → DELETE_IN_PROGRESS →
 *   gone; export jobs CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE; training
 *   datasets and configured audience models are ACTIVE at once. ACTIVE generation
 *   jobs report relevance metrics per audience size; audience models report
 *   no metrics, as in AWS's current model (option legacyAudienceModelMetrics
 *   brings back the 2023 API's).
 * - Quotas (configurable) answer ServiceQuotaExceededException (402) with
 *   quotaName and quotaValue.
 * - Faults (throttling, server errors, latency) are seeded and injected
 *   before any work is done.
 * - With `outputDirectory` (CLI `--output-dir`), the first call that finds an
 *   export job ACTIVE (any operation, or the inventory) writes its audience to
 *   `<outputDirectory>/<bucket>/<key>/audience.jsonl`, its outputLocation
 *   `s3://bucket/key/` mapped to a folder: JSON Lines
 *   `{"user_id":"u_…","relevance_score":…}`, best first, as many lines as an
 *   ABSOLUTE size asks for, or for a PERCENTAGE that share of a notional
 *   100,000-user pool (NOTIONAL_USER_POOL). Ids follow from the generation
 *   job's and the export's names, so a rerun reproduces the file. Each file
 *   is written once; the state file remembers it across restarts.
 *
 * Asking for a failure, two ways:
 * - a tag on the create request: `emulator:fail` = `CREATE` makes the audience
 *   model or generation job end in CREATE_FAILED; `emulator:fail` = `DELETE`
 *   makes its deletes end in DELETE_FAILED (remove the tag with UntagResource
 *   and delete again to succeed). `emulator:fail-message` sets the
 *   statusDetails message. The tags stay visible like any other tag, and are
 *   ignored on training datasets and configured audience models (which have
 *   no asynchronous lifecycle); a configured model's tags reach its
 *   generation jobs when childResourceTagOnCreatePolicy is FROM_PARENT_RESOURCE.
 * - programmatically: `emulator.failNext({ resourceType: 'audience-model' |
 *   'audience-generation-job' | 'audience-export-job', phase: 'CREATE' |
 *   'DELETE', message?, statusCode? })`, or `POST /_emulator/fail-next` with
 *   that JSON body. Each request fails the next matching create or delete
 *   once (export jobs, which have no tags, can only fail this way).
 *
 * Control endpoints for other processes (unsigned): `GET /_emulator/health`,
 * `GET /_emulator/inventory`, `GET /_emulator/stats`, `POST /_emulator/reset`,
 * `POST /_emulator/faults`, `POST /_emulator/fail-next`.
 */
export { ManualClock } from './manual-clock';
export { CleanRoomsMlEmulator } from './emulator';
export type { CleanRoomsMlEmulatorOptions, EmulatorTimingOptions } from './emulator';
export type { FaultOptions } from './faults';
export { audienceFilePath, NOTIONAL_USER_POOL } from './audience-output';
export { DEFAULT_QUOTAS } from './operation';
export type { EmulatorQuotas } from './operation';
export type { EmulatorAccount, EmulatorCredentials } from './accounts';
export type { EmulatorStats } from './stats';
export { DEFAULT_TIMINGS } from './store';
export type {
  AsyncStatus,
  AudienceExportJobDescription,
  AudienceGenerationJobDescription,
  AudienceModelDescription,
  ConfiguredAudienceModelDescription,
  CreateTimings,
  EmulatorInventory,
  EmulatorTimings,
  FailableResourceType,
  FailureRequest,
  LifecycleTimings,
  TrainingDatasetDescription,
} from './store';
export { FAIL_MESSAGE_TAG, FAIL_TAG } from './constraints';
