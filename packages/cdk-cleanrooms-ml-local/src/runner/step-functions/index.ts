/**
 * The local runner's Step Functions: an interpreter for the subset of Amazon
 * States Language a polling loop uses (Task on Lambda, Choice, Wait, Pass,
 * Succeed, Fail; Retry and Catch; JSONPath input and output processing) on
 * the runner's scaled time, served as StartExecution / StopExecution /
 * DescribeExecution to the functions the runner runs (AWS_ENDPOINT_URL_SFN).
 *
 * - definition.ts: the definition, checked whole; anything else refused by name.
 * - execution.ts: one execution, state by state; choice.ts, json-path.ts,
 *   lambda-task.ts, history.ts (the 25,000-event quota), interruptible.ts (stoppable waits).
 * - endpoint.ts: the HTTP endpoint (aws-json-protocol.ts).
 */
export { StepFunctionsEndpoint } from './endpoint';
export type { StepFunctionsOptions } from './endpoint';
export type { ExecutionStatus, ExecutionSummary } from './execution';
export { DefinitionError, parseDefinition } from './definition';
export { MAX_HISTORY_EVENTS } from './history';
