/**
 * The local deploy runner: carries out a synthesized CDK stack on the Clean
 * Rooms ML emulator the way CloudFormation and the aws-cdk custom-resources
 * Provider framework would, running the real Lambda code of the stack.
 *
 * ```ts
 * const result = await deployStack({ assembly: 'cdk.out', stateFile: '.cleanrooms-ml-local/state.json', onEvent: console.log });
 * // result.status: CREATE_COMPLETE | UPDATE_COMPLETE | ROLLBACK_COMPLETE | UPDATE_ROLLBACK_COMPLETE | ...
 * await destroyStack({ stateFile: '.cleanrooms-ml-local/state.json' });
 * ```
 *
 * - Templates: read from the cloud assembly (aws-cdk-lib cx-api), validated
 *   (references, conditions, cycles: template.ts), resources worked through in
 *   dependency order (DependsOn, Ref, Fn::GetAtt, Fn::Sub).
 * - Intrinsic functions, conditions and pseudo parameters (with the emulator's
 *   account and region): evaluated by `cfn-resolver-lib`, one resource's
 *   properties at a time, through a thin adapter (intrinsics.ts) that looks
 *   values up lazily and covers what the library lacks (Fn::Sub with
 *   resource attributes, AWS::NoValue, Fn::Base64, clear failures).
 * - Updates: `@aws-cdk/cloudformation-diff` (the library behind `cdk diff`)
 *   compares each resource's recorded and new resolved properties and says,
 *   from the resource type's CloudFormation schema, whether the change is made
 *   in place or replaces the resource (changes.ts); a custom resource is
 *   replaced when its handler returns a new physical id.
 * - Custom resources of an aws-cdk-lib `Provider`: the user onEvent /
 *   isComplete functions are loaded from the assembly's asset directories and
 *   run in-process with CloudFormation requests, with the framework's
 *   semantics (provider-framework.ts) and the waiter's schedule scaled by
 *   `timeScale`; the functions see their own environment plus AWS_REGION,
 *   the emulator's key, AWS_ENDPOINT_URL_CLEANROOMSML,
 *   AWS_ENDPOINT_URL_SECRETS_MANAGER (the runner's own Secrets Manager
 *   emulator, or `secretsManagerEndpoint`) and AWS_ENDPOINT_URL_CLOUDFORMATION
 *   (cloudformation-endpoint.ts); functions run one at a time (lambda.ts).
 * - AWS::CloudFormation::WaitCondition with a CreationPolicy: waits for
 *   SignalResource signals on the runner's CloudFormation endpoint, which
 *   also answers DescribeStackResource and DescribeStacks (wait-conditions.ts,
 *   cloudformation-endpoint.ts; `onCloudFormationEndpoint` tells a caller its URL).
 * - AWS::CleanRoomsML::TrainingDataset: created and deleted on the emulator.
 * - AWS::SecretsManager::Secret: created, updated and deleted in the runner's
 *   Secrets Manager emulator (secret-resources.ts).
 * - AWS::CleanRooms::Collaboration and ::Membership: on the emulator's AWS
 *   Clean Rooms endpoint (clean-rooms-resources.ts); functions see it as
 *   AWS_ENDPOINT_URL_CLEANROOMS.
 * - Accounts: each stack deploys as the account its environment names, with
 *   that account's key (calling-account.ts).
 * - Other resources: recorded with synthetic physical ids and attributes.
 * - Updates, replacements, cleanup, rollbacks and deletes: see deployment.ts.
 * - State: a JSON file (state.ts) with the emulator's state, the secrets, the functions'
 *   code and their logs next to it, so operations work across invocations.
 */
export { deployStack, destroyStack } from './deployment';
export type { DeployOptions, DestroyOptions, ResourceSummary, RunnerOptions, StackOperationResult } from './deployment';
export { formatDuration, formatEvent, STACK_RESOURCE_TYPE } from './events';
export type { DeploymentEvent, FunctionLogEntry, ProgressEvent, ResourceStatus, StackEvent, StackStatus } from './events';
export { formatStatus, stackStatus } from './status';
export type { StackStatusReport, StatusOptions } from './status';
// The runner's view of a template, named apart from aws-cdk-lib/assertions' Template.
export type { Json, JsonObject, Template as CloudFormationTemplate, TemplateOutput, TemplateParameter, TemplateResource } from './template';
export type { RunnerFaults } from './lambda';
export { CREATE_FAILED_PHYSICAL_ID_MARKER } from './provider-framework';
export { TemplateValidationError } from './template';
