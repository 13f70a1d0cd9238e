/**
 * The one call that reaches another account's resource: StartAudienceGenerationJob
 * by account B on account A's configured audience model. "Only
 * StartAudienceGenerationJob can be called across accounts"
 * (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
 *
 * What allows it, from the same page: A's resource policy on the configured
 * model allows `cleanrooms-ml:StartAudienceGenerationJob` to B on the model
 * and on A's new job (`audience-generation-job/*` in A), usually with a
 * `cleanrooms-ml:CollaborationId` condition (the statement Clean Rooms
 * writes when it manages the policy has one). B's own identity policy is
 * outside the emulator: its credentials stand for the account. A policy
 * that does not allow it is answered AccessDeniedException (403), the error
 * the operation declares for "You do not have sufficient access"; the page
 * itself only says what makes the call succeed.
 *
 * With a `collaborationId`, "Clean Rooms ML validates that the collaboration
 * exists, the submitter is an active member, and the configured model's
 * owner is an active member" (same page, "Validating collaborators"); the
 * emulator asks the CollaborationDirectory. Which error a failed validation
 * gives is not documented: AccessDeniedException is a choice, as it is
 * about who may start the job.
 */
import { accountOf, resourceTypeLabel } from './arns';
import { accessDenied, notFound } from './errors';
import type { OperationContext } from './operation';
import { evaluateResourcePolicy } from './resource-policy';
import type { ConfiguredAudienceModelRecord } from './store';

export const START_AUDIENCE_GENERATION_JOB_ACTION = 'cleanrooms-ml:StartAudienceGenerationJob';
export const COLLABORATION_ID_CONDITION_KEY = 'cleanrooms-ml:CollaborationId';

/**
 * The configured audience model of another account, found in that account.
 * A model that does not exist there is ResourceNotFoundException: AWS does
 * not say whether a missing model is denied or not found; the clearer
 * answer is a choice.
 */
export function findOtherAccountsConfiguredAudienceModel({ store, scope }: OperationContext, arn: string): ConfiguredAudienceModelRecord {
  const label = resourceTypeLabel('configured-audience-model');
  const [, partition, , region] = arn.split(':');
  const models = store.state.configuredAudienceModels;
  const record = Object.prototype.hasOwnProperty.call(models, arn) ? models[arn] : undefined;
  if (partition !== scope.partition || region !== scope.region || record === undefined) {
    throw notFound(`The ${label} ${arn} of account ${accountOf(arn)} not found`);
  }
  return record;
}

/**
 * Refuses the caller's start on another account's configured model unless
 * the model's resource policy allows it on the model and on the owner's copy
 * of the job (`ownerJobArn`), and, with a collaboration id, both accounts
 * are active members of that collaboration.
 */
export function authorizeCrossAccountStart(
  context: OperationContext,
  configured: ConfiguredAudienceModelRecord,
  collaborationId: string | undefined,
  ownerJobArn: string,
): void {
  const { scope, collaborations } = context;
  const owner = accountOf(configured.arn)!;
  for (const resource of [configured.arn, ownerJobArn]) {
    const decision = evaluateResourcePolicy(configured.policy?.document, {
      principalAccount: scope.accountId,
      partition: scope.partition,
      action: START_AUDIENCE_GENERATION_JOB_ACTION,
      resource,
      context: { [COLLABORATION_ID_CONDITION_KEY]: collaborationId },
    });
    if (!decision.allowed) {
      throw accessDenied(
        `Account ${scope.accountId} is not authorized to perform ${START_AUDIENCE_GENERATION_JOB_ACTION} on resource ${resource}`
        + ` ${decision.explicitDeny ? 'with an explicit deny in' : 'because no statement allows it in'} the resource policy of`
        + ` configured audience model ${configured.arn} (account ${owner}): ${decision.reason}`,
      );
    }
  }
  if (collaborationId === undefined) {
    return;
  }
  // The user guide has Clean Rooms ML validate the collaboration and both
  // members whenever a collaborationId is given (ml-behaviors, "Validating
  // collaborators"). The emulator checks it for jobs across accounts only (a
  // choice): a job on the caller's own model with a collaboration id it
  // never created in the emulator's Clean Rooms side, as stacks deployed
  // before that side existed do, keeps working.
  for (const [account, role] of [[scope.accountId, 'the caller'], [owner, 'the configured audience model\'s owner']]) {
    if (!collaborations.isActiveMember(collaborationId, account)) {
      throw accessDenied(
        `collaborationId ${collaborationId}: account ${account} (${role}) is not an active member of that collaboration, or it does not exist;`
        + ' a job on another account\'s configured audience model needs both accounts active in the collaboration',
      );
    }
  }
}
