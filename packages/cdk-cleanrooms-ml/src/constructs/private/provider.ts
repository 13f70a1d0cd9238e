import { CfnResource, CustomResource, Duration, IResolvable, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ignoreCfnLintChecks } from './cfn-lint';
import { HandlerFunction } from './handler-function';
import { checkRequired, DURATION } from './input-types';
import { CLEAN_ROOMS_ML_PRINCIPAL } from './service-role';
import { TrainingPoller } from './training-poller';
import { validationError } from './validation';
import {
  CommonResourceProperties,
  HANDLER_TIMEOUT_SECONDS,
  MAX_CUSTOM_RESOURCE_SECONDS,
  MIN_TIMEOUT_SECONDS,
} from '../../contracts/framework';
import { COMPLETION_DEADLINE_SECONDS, COMPLETION_INTERVAL_SECONDS } from '../../contracts/provider';

// The one custom resource provider of a stack: every custom resource of the
// library (audience models, configured audience models, jobs) is served by
// the same onEvent and isComplete functions, so the number of Lambda
// functions does not grow with the number of resources. Constructs register
// the permissions their resources need; the handler role gets those and
// nothing else, in one policy that every custom resource depends on.
//
// CloudFormation calls the onEvent function itself (it is the ServiceToken);
// the isComplete checks of an operation run in the stack's poller state
// machine (./training-poller.ts), and the function that finishes an
// operation answers CloudFormation (contracts/provider.ts). aws-cdk-lib's
// Provider framework did that relaying with three more functions, a second
// state machine, their roles and log groups: 14 resources and a fifth of the
// synth time of a one-pipeline stack (notes/own-provider-design.md).

/** Construct id of the provider under its stack. */
const PROVIDER_ID = 'CleanRoomsMlProvider';

/** How often the poller asks isComplete whether an operation is done. */
export const QUERY_INTERVAL = Duration.seconds(COMPLETION_INTERVAL_SECONDS);

/**
 * How long the provider waits for an operation in all: a little under the
 * longest `timeout` a construct accepts (CloudFormation's one hour), so its
 * own "timed out" arrives before CloudFormation gives up on the resource.
 * Each resource's own, shorter `timeout` is enforced by the handler.
 */
export const TOTAL_TIMEOUT = Duration.seconds(COMPLETION_DEADLINE_SECONDS);

/**
 * The logical id of the function CloudFormation calls, which stacks deployed
 * by releases built on aws-cdk-lib's Provider framework gave its onEvent
 * function. CloudFormation refuses to change a custom resource's
 * ServiceToken on update ("Modifying service token is not allowed"), so the
 * library's onEvent function takes over that id: an upgrade updates the
 * function in place (its code, handler and role), its ARN and every
 * ServiceToken stay.
 */
const SERVICE_TOKEN_FUNCTION_LOGICAL_ID = 'CleanRoomsMlProviderframeworkonEventC031393D';

/**
 * `ServiceTimeout` of every custom resource: how long CloudFormation waits
 * for any answer, above TOTAL_TIMEOUT so it only applies when the provider
 * itself is lost. It is CloudFormation's default ("The default value is 3600
 * seconds (1 hour)",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html),
 * so the templates leave the property out.
 */
export const SERVICE_TIMEOUT = Duration.seconds(MAX_CUSTOM_RESOURCE_SECONDS);

/** Lambda timeout of the handlers: one service call with retries, or a page-through of a list. */
const HANDLER_TIMEOUT = Duration.seconds(HANDLER_TIMEOUT_SECONDS);

/** Retention of every log group of the provider. */
const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

/** Timing of the provider, checked by `validateProviderTiming`. */
export interface ProviderTiming {
  readonly queryInterval: Duration;
  readonly totalTimeout: Duration;
  readonly serviceTimeout: Duration;
}

/**
 * Refuses timings the Provider framework or CloudFormation cannot honour:
 * totalTimeout at most one hour and a whole number of query intervals, and
 * ServiceTimeout (1–3600 s) above totalTimeout.
 */
export function validateProviderTiming(scope: IConstruct, timing: ProviderTiming): void {
  const interval = timing.queryInterval.toSeconds({ integral: false });
  const total = timing.totalTimeout.toSeconds({ integral: false });
  const service = timing.serviceTimeout.toSeconds({ integral: false });
  if (!(interval >= 1)) {
    throw validationError(scope, 'queryInterval', 'be at least 1 second', `${interval} seconds`);
  }
  if (!(total > 0 && total <= MAX_CUSTOM_RESOURCE_SECONDS)) {
    throw validationError(scope, 'totalTimeout', `be at most ${MAX_CUSTOM_RESOURCE_SECONDS} seconds (1 hour)`, `${total} seconds`);
  }
  if (!Number.isInteger(total / interval)) {
    throw validationError(scope, 'totalTimeout', `be a whole number of query intervals (${interval} seconds)`, `${total} seconds`);
  }
  if (!(Number.isInteger(service) && service >= 1 && service <= MAX_CUSTOM_RESOURCE_SECONDS)) {
    throw validationError(scope, 'serviceTimeout', `be a whole number of seconds between 1 and ${MAX_CUSTOM_RESOURCE_SECONDS}`, `${service} seconds`);
  }
  if (service <= total) {
    throw validationError(scope, 'serviceTimeout', `be longer than the provider's totalTimeout (${total} seconds)`, `${service} seconds`);
  }
}

/**
 * Checks a construct's `timeout` (whole seconds, between MIN_TIMEOUT_SECONDS
 * and CloudFormation's hour) and returns it in seconds. A token passes.
 */
export function timeoutSeconds(scope: IConstruct, timeout: Duration): number {
  checkRequired(scope, 'timeout', timeout, DURATION);
  if (Token.isUnresolved(timeout.toSeconds({ integral: false }))) {
    return timeout.toSeconds();
  }
  const seconds = timeout.toSeconds({ integral: false });
  if (!Number.isInteger(seconds)) {
    throw validationError(scope, 'timeout', 'be a whole number of seconds', timeout.toHumanString());
  }
  if (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_CUSTOM_RESOURCE_SECONDS) {
    throw validationError(
      scope,
      'timeout',
      `be between ${MIN_TIMEOUT_SECONDS / 60} minutes and 1 hour (CloudFormation waits at most 1 hour for a custom resource)`,
      timeout.toHumanString(),
    );
  }
  return seconds;
}

/** A property value as a construct writes it: the contract's type, or a token that resolves to it. */
export type Tokenized<P> = { readonly [K in keyof P]: P[K] | IResolvable };

/** What a construct gives `CleanRoomsMlProvider.customResource`. */
export interface CleanRoomsMlCustomResourceOptions<P> {
  /** `Custom::CleanRoomsML…`, from the resource type's `types.ts`. */
  readonly resourceType: string;
  /** The resource's own properties, typed by its contract. */
  readonly properties: Tokenized<P>;
  /** Properties every resource carries (its timeout and attributes revision). */
  readonly common: CommonResourceProperties;
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether the resource depends on the handler policy itself; false only
   * for one that references (and so comes after) a resource that does.
   * @default true
   */
  readonly dependsOnHandlerPolicy?: boolean;
}

/** A permission the handler role gets, for resources of one kind. */
export interface ProviderGrant {
  readonly actions: string[];
  /** ARNs or ARN patterns; `*` only for actions without resource-level permissions. */
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/**
 * The stack's custom resource provider for the library's resources (one per
 * stack, created by the first construct that needs it).
 */
export class CleanRoomsMlProvider extends Construct {
  /** The stack's provider, created on first use. */
  public static of(scope: IConstruct): CleanRoomsMlProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof CleanRoomsMlProvider ? existing : new CleanRoomsMlProvider(stack, PROVIDER_ID);
  }

  /** The role of the onEvent and isComplete functions. */
  public readonly handlerRole: iam.IRole;
  /** The one policy of that role; every custom resource depends on it. */
  public readonly handlerPolicy: iam.Policy;
  public readonly serviceToken: string;
  /** The onEvent function, which starts and stops the training poller's executions (./training-poller.ts). */
  public readonly onEventFunction: lambda.Function;
  /**
   * The isComplete function, which also serves the training poller's checks
   * and answers a request whose onEvent invocations all failed (its on-failure destination).
   */
  public readonly isCompleteFunction: lambda.Function;

  /** The handler policy's reviewed cdk-nag IAM5 suppression. */
  private readonly wildcardReview: WildcardReview;
  /** Statements by actions and conditions, so a grant repeated by many constructs only adds resources. */
  private readonly statements = new Map<string, { readonly statement: iam.PolicyStatement; readonly resources: Set<string> }>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    validateProviderTiming(this, { queryInterval: QUERY_INTERVAL, totalTimeout: TOTAL_TIMEOUT, serviceTimeout: SERVICE_TIMEOUT });

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the custom resources of cdk-cleanrooms-ml (Clean Rooms ML audience models and jobs)',
    });
    this.handlerRole = role;
    this.handlerPolicy = new iam.Policy(this, 'HandlerPolicy', { roles: [role] });

    const onEventLogGroup = newLogGroup(this, 'OnEventLogGroup');
    const isCompleteLogGroup = newLogGroup(this, 'IsCompleteLogGroup');
    this.grant({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [onEventLogGroup.logGroupArn, isCompleteLogGroup.logGroupArn],
    });
    const functionOptions = { role, timeout: HANDLER_TIMEOUT, memorySize: 256 };
    const onEvent = new HandlerFunction(this, 'OnEvent', 'on-event', {
      ...functionOptions,
      logGroup: onEventLogGroup,
      description: 'cdk-cleanrooms-ml: starts creating, updating and deleting Clean Rooms ML resources',
    });
    const isComplete = new HandlerFunction(this, 'IsComplete', 'is-complete', {
      ...functionOptions,
      logGroup: isCompleteLogGroup,
      description: 'cdk-cleanrooms-ml: checks whether a Clean Rooms ML resource operation is complete',
    });
    for (const handler of [onEvent, isComplete]) {
      suppressOlderRuntimeFinding(handler, 'The handlers run on Node.js 24, the Lambda runtime with the longest support when this release was made.');
    }

    (onEvent.node.defaultChild as CfnResource).overrideLogicalId(SERVICE_TOKEN_FUNCTION_LOGICAL_ID);
    ignoreRoleDependencyFindings([onEvent, isComplete]);
    this.wildcardReview = suppressWildcardFindings(this.handlerPolicy);
    this.serviceToken = onEvent.functionArn;
    this.onEventFunction = onEvent;
    this.isCompleteFunction = isComplete;
    // The state machine that runs every operation's isComplete checks (and the long waits' signals).
    const poller = TrainingPoller.of(this);
    const failedRequestDestination = answerFailedRequests(onEvent, isComplete, poller.policy);
    // Every custom resource depends on the handler policy, and through it on everything else the provider needs:
    // the onEvent function's on-failure configuration (so it is in place before the first request and stays until
    // the last Delete), and through that the poller's policy, the poller and both functions. One DependsOn in the
    // stack instead of one more in each custom resource; the functions themselves run only on requests, so they
    // need not wait for the policy (that dependency would close a cycle: the configuration names the function).
    this.handlerPolicy.node.addDependency(failedRequestDestination);
  }

  /**
   * Marks the handler's permissions on the configured audience model
   * associations under a membership (`membership/<id>/configuredaudiencemodelassociation/*`)
   * as reviewed for cdk-nag: the service assigns their ids at creation. Only
   * stacks with an association carry this part of the suppression.
   */
  public reviewAssociationWildcards(): void {
    if (this.wildcardReview.applies_to.some((entry) => typeof entry !== 'string' && entry.regex === ASSOCIATIONS_OF_MEMBERSHIP)) {
      return;
    }
    this.wildcardReview.applies_to.push({ regex: ASSOCIATIONS_OF_MEMBERSHIP });
    this.wildcardReview.reason += ' Configured audience model associations are scoped to those under one membership, whose ids the '
      + 'service assigns at creation.';
  }

  /**
   * Gives the handler role permissions. Grants with the same actions and
   * conditions share one statement of the one policy.
   */
  public grant(grant: ProviderGrant): void {
    const actions = [...new Set(grant.actions)].sort();
    const key = JSON.stringify([actions, grant.conditions ?? {}]);
    let entry = this.statements.get(key);
    if (!entry) {
      entry = {
        statement: new iam.PolicyStatement({ actions, conditions: grant.conditions }),
        resources: new Set(),
      };
      this.statements.set(key, entry);
      this.handlerPolicy.addStatements(entry.statement);
    }
    for (const resource of grant.resources) {
      if (!entry.resources.has(resource)) {
        entry.resources.add(resource);
        entry.statement.addResources(resource);
      }
    }
  }

  /** Lets the handlers pass `role` to Clean Rooms ML, and to no other service. */
  public grantPassRole(role: iam.IRole): void {
    this.grant({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': CLEAN_ROOMS_ML_PRINCIPAL } },
    });
  }

  /**
   * Defines a custom resource served by this provider, with the common
   * properties and the dependency on the handler policy (so a stack deletion
   * keeps the permissions until the resource's Delete has run).
   *
   * What CloudFormation does by default is left out of the template, since a
   * stack holds many pipelines: ServiceTimeout (SERVICE_TIMEOUT is the
   * default), a DeletionPolicy and UpdateReplacePolicy of Delete ("By
   * default, CloudFormation deletes the resource",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html;
   * UpdateReplacePolicy's default is Delete too,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html),
   * and the first AttributesRevision (a later one is written, and its change
   * makes CloudFormation send the Update that picks up new attributes).
   */
  public customResource<P>(scope: Construct, id: string, options: CleanRoomsMlCustomResourceOptions<P>): CustomResource {
    const { AttributesRevision: revision, ...common } = options.common;
    const resource = new CustomResource(scope, id, {
      serviceToken: this.serviceToken,
      resourceType: options.resourceType,
      properties: { ...common, ...(revision !== undefined && revision > 1 ? { AttributesRevision: revision } : {}), ...options.properties },
      removalPolicy: options.removalPolicy,
    });
    if ((options.removalPolicy ?? RemovalPolicy.DESTROY) === RemovalPolicy.DESTROY) {
      const cfn = resource.node.defaultChild as CfnResource;
      cfn.cfnOptions.deletionPolicy = undefined;
      cfn.cfnOptions.updateReplacePolicy = undefined;
    }
    if (options.dependsOnHandlerPolicy !== false) {
      resource.node.addDependency(this.handlerPolicy);
    }
    return resource;
  }
}

/**
 * A request whose onEvent invocations all fail (the function's environment
 * dies three times: a crash, out of memory, its timeout) would otherwise go
 * unanswered until CloudFormation's ServiceTimeout, an hour later. Lambda
 * runs a failed asynchronous invocation twice more, then sends a record of it
 * to the function's on-failure destination
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * here the isComplete function, which answers the request FAILED unless its
 * completion execution exists. Lambda's default of two retries is kept.
 *
 * Lambda delivers the record with the function's execution role ("To send
 * events to a destination, your function needs additional permissions. Add a
 * policy with the required permissions to your function's execution role",
 * Lambda: InvokeFunction; https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html),
 * and refuses a destination the role may not use, so the permission is in a
 * policy the configuration comes after: the poller's, which names the
 * isComplete function already (the handler policy, which comes after the
 * configuration, cannot). Everything under the onEvent function, this
 * configuration included, depends on that policy. Returns the
 * configuration, which the handler policy and so every custom resource
 * depend on (CloudFormation would otherwise be free to create it after
 * them, or delete it before their Deletes).
 */
function answerFailedRequests(onEvent: lambda.Function, isComplete: lambda.Function, policy: iam.Policy): IConstruct {
  policy.addStatements(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [isComplete.functionArn] }));
  onEvent.configureAsyncInvoke({ onFailure: new FunctionDestination(isComplete.functionArn) });
  // aws-cdk-lib's id for the configuration of the unqualified function.
  return onEvent.node.findChild('EventInvokeConfig');
}

/**
 * A Lambda function as an asynchronous invocation's destination, without
 * aws-cdk-lib/aws-lambda-destinations (which every synthesis would load);
 * the permission is granted by the caller.
 */
class FunctionDestination implements lambda.IDestination {
  constructor(private readonly functionArn: string) {}

  public bind(): lambda.DestinationConfig {
    return { destination: this.functionArn };
  }
}

function newLogGroup(scope: Construct, id: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: LOG_RETENTION });
}

/**
 * cfn-lint's W3005 ("dependency already enforced by a GetAtt") on every
 * function under `scopes`: aws-cdk-lib's Function makes its resource depend
 * on its role construct (so that
 * it also waits for the role's default policy) and name the role's ARN in a
 * property. The DependsOn entry for the role itself is therefore redundant;
 * it is aws-cdk-lib's doing, harmless, and not the library's to remove.
 */
function ignoreRoleDependencyFindings(scopes: IConstruct[]): void {
  for (const construct of scopes.flatMap((scope) => scope.node.findAll())) {
    if (construct instanceof lambda.CfnFunction) {
      ignoreCfnLintChecks(construct, ['W3005']);
    }
  }
}

/** A cdk-nag rule suppression, as `NagSuppressions` writes it into a resource's metadata. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: Array<string | { readonly regex: string }>;
}

/**
 * Adds cdk-nag suppressions to one resource's metadata, keeping any already
 * there (the format of cdk-nag's `NagSuppressions.addResourceSuppressions`;
 * cdk-nag is a development tool, so it is not imported here).
 */
export function suppressNagFindings(construct: IConstruct | undefined, suppressions: NagSuppression[]): void {
  const resource = construct instanceof CfnResource ? construct : construct?.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    return;
  }
  const existing = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...suppressions] });
}

/** Partition, region and account as cdk-nag renders them: a pseudo parameter or a literal. */
const ARN_PREFIX = 'arn:<AWS::Partition>:cleanrooms-ml:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12})';

/**
 * cdk-nag AwsSolutions-IAM5 findings on the handler policy, each reviewed:
 * `Resource: *` only for actions without resource-level permissions (the
 * List operations), and `<type>/*` for resources the service names at
 * creation (their ARNs do not exist before).
 */
function suppressWildcardFindings(policy: iam.Policy): WildcardReview {
  const review: WildcardReview = {
    id: 'AwsSolutions-IAM5',
    reason: 'Clean Rooms ML List actions have no resource-level permissions; other actions are scoped to one resource type of this '
      + 'account and Region, whose ARNs the service assigns at creation.',
    applies_to: ['Resource::*', { regex: `/^Resource::${ARN_PREFIX}:[a-z-]+\\/\\*$/g` }],
  };
  // Kept by reference in the metadata, so later reviews (see
  // reviewAssociationWildcards) extend it until synthesis.
  suppressNagFindings(policy, [review]);
  return review;
}

/** The handler policy's IAM5 suppression, extended as constructs add reviewed wildcards. */
interface WildcardReview {
  readonly id: string;
  reason: string;
  readonly applies_to: Array<string | { readonly regex: string }>;
}

/**
 * The associations under one membership, as cdk-nag renders them: under a
 * membership ARN (given, made of a given id, or of the id of a membership of
 * the app), or under the ARN attribute of a membership of the app.
 */
const ASSOCIATIONS_OF_MEMBERSHIP = '/^Resource::(arn:(<AWS::Partition>|aws[-a-z]*):cleanrooms:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):membership\\/'
  + '([0-9a-f-]{36}|<[A-Za-z0-9]+\\.MembershipIdentifier>)|<[A-Za-z0-9]+\\.Arn>)\\/configuredaudiencemodelassociation\\/\\*$/g';

/**
 * cdk-nag's AwsSolutions-L1 asks for the newest Node.js runtime that the
 * installed aws-cdk-lib knows, so whether a function is a finding depends on
 * the user's aws-cdk-lib: suppressed, with its reason, only where it is one. A
 * runtime resolved per Region at deployment (a mapping, on releases whose
 * Regions disagree) cannot be checked at all.
 */
function suppressOlderRuntimeFinding(fn: lambda.Function, reason: string): void {
  const runtime = (fn.node.defaultChild as lambda.CfnFunction).runtime;
  if (runtime !== undefined && Token.isUnresolved(runtime)) {
    suppressNagFindings(fn, [
      { id: 'CdkNagValidationFailure', reason: 'The runtime is resolved per Region at deployment.', applies_to: ['AwsSolutions-L1'] },
    ]);
  } else if (runtime !== newestNodeRuntimeKnown()) {
    suppressNagFindings(fn, [{ id: 'AwsSolutions-L1', reason }]);
  }
}

/** The newest `nodejsNN.x` in the installed aws-cdk-lib's `Runtime.ALL`. */
function newestNodeRuntimeKnown(): string | undefined {
  const version = (name: string) => Number(/^nodejs(\d+)\.x$/.exec(name)?.[1] ?? NaN);
  return lambda.Runtime.ALL.map((runtime) => runtime.name)
    .filter((name) => !Number.isNaN(version(name)))
    .sort((a, b) => version(a) - version(b))
    .pop();
}

