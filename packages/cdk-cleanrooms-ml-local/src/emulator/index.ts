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
 *   here). A role ARN outside the caller's account is AccessDeniedException (403).
 * - Several accounts (option `accounts`), each with its own access key: the
 *   key that signs a request decides the calling account. Each account
 *   sees, lists and names only its own resources and has its own quotas; an
 *   ARN of another account is ResourceNotFoundException, except the
 *   configured audience model of a StartAudienceGenerationJob, where the
 *   model's resource policy decides (AccessDeniedException naming what it
 *   lacks; see cross-account-start.ts and resource-policy.ts). Such a job
 *   exists in both accounts with one id: the caller's copy, and the owner's,
 *   named `<caller account>-<name>`, without the seed; each account reads
 *   and exports through its own copy's ARN only, and a delete through
 *   either ARN deletes the job for both (one execution).
 * - Names are unique per resource type (export jobs: per generation job):
 *   ConflictException (409). So are deletes of a training dataset used by
 *   an audience model, an audience model used by a configured audience
 *   model, and a configured audience model used by a generation job (of
 *   any account). Deleting a configured audience model removes its
 *   associations with collaborations, as the service documents.
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
 * AWS Clean Rooms, at a second listener (`cleanRoomsPort`,
 * `emulator.cleanRoomsEndpoint`; signing name `cleanrooms`, for
 * `@aws-sdk/client-cleanrooms`): collaborations, memberships (ACTIVE at
 * once), configured audience model associations of the caller's own
 * configured models (with `manageResourcePolicies`, the statement
 * `Clean-Rooms-<association id>` in the model's resource policy) and their
 * tags, validated to its model (spec/cleanrooms-2022-02-17), in the same
 * state and accounts as Clean Rooms ML (see clean-rooms/).
 *
 * Control endpoints for other processes (unsigned, on both listeners): `GET /_emulator/health`
 * (account, region, which access key calls as which account, and the Clean Rooms endpoint),
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
export type {
  AssociationInventoryEntry,
  CleanRoomsInventory,
  CollaborationInventoryEntry,
  MembershipInventoryEntry,
} from './clean-rooms/inventory';
export type { AssociationDescription, MembershipDescription, MembershipStatus, MemberStatus } from './clean-rooms/records';
