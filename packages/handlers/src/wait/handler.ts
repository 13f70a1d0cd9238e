/**
 * `Custom::CleanRoomsMLWait`: the "ready" resource of a long wait
 * (cdk-cleanrooms-ml/lib/contracts/wait.ts). It comes after the wait
 * conditions the training poller signals, reads the audience model or
 * generation job once they complete, and hands its attributes to what uses it.
 *
 * Create and Update read the resource: ACTIVE completes at once with its
 * attributes; CREATE_FAILED fails with the service's statusDetails; still
 * being created waits until ACTIVE, a failure, or the end of its window, and
 * then fails "timed out" with the last status. An Update comes when the
 * resource was replaced (ResourceArn changed) and waits for the new one.
 * Delete has nothing to do: the ready resource owns nothing.
 *
 * Earlier releases chained many of these resources ("links", with the
 * properties ResourceKind, Link and Links, each handing over to the next at
 * the end of its window). After an upgrade those links are no longer in the
 * template: CloudFormation sends them only a Delete (in the clean-up of
 * removed resources), which reads no properties, and the update that removes
 * them leaves them untouched, so its rollback sends them nothing either. So
 * this handler knows only the ready resource.
 *
 * It does not delete a failed resource: the resource completed in this
 * deployment with its physical id, so CloudFormation's rollback deletes it.
 */
import { AttributeData, MAX_CHAINED_TIMEOUT_SECONDS, WAIT_WINDOW_SECONDS } from 'cdk-cleanrooms-ml/lib/contracts/framework';
import { WAIT_RESOURCE_KINDS, WaitProperties, WaitResourceKind } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import type { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { isNotFound } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { audienceSizeList, attributesOf as generationJobAttributes } from '../audience-generation-job/handler';
import { attributesOf as audienceModelAttributes } from '../audience-model/handler';
import { ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent } from '../framework/events';
import { integer, optional, PropertySchema, string } from '../framework/properties';
import {
  arnPattern,
  describeStatusDetails,
  formatDuration,
  HandlerRuntime,
  Progress,
  ResourceHandler,
  Started,
} from '../framework/resource-handler';

const PROPERTIES: PropertySchema<WaitProperties> = {
  ResourceArn: string,
  WindowSeconds: optional(integer),
  RelevanceScoreSizes: optional(audienceSizeList),
};

/** What a check saw of the resource it waits for. */
interface Observed {
  readonly name: string;
  readonly status: string;
  readonly statusDetails?: { readonly statusCode?: string; readonly message?: string };
  readonly attributes: AttributeData;
}

/** What differs between the kinds of resource it waits for. */
interface WaitedKind {
  readonly noun: string;
  /** `… waiting for the audience model "x" to <goal>`. */
  readonly goal: string;
  /** `<failure> "x" failed (CREATE_FAILED): …`, as the resource's own handler says it. */
  readonly failure: string;
  observe(client: CleanRoomsMlClient, arn: string, scoreSizes: readonly string[] | undefined): Promise<Observed>;
}

const KINDS: Record<WaitResourceKind, WaitedKind> = {
  'audience-model': {
    noun: 'audience model',
    goal: 'finish training',
    failure: 'training the audience model',
    observe: async (client, arn) => {
      const model = await client.getAudienceModel({ audienceModelArn: arn });
      return { name: model.name, status: model.status, statusDetails: model.statusDetails, attributes: audienceModelAttributes(model) };
    },
  },
  'audience-generation-job': {
    noun: 'audience generation job',
    goal: 'finish generating its audience',
    failure: 'generating the audience of the audience generation job',
    observe: async (client, arn, scoreSizes) => {
      const job = await client.getAudienceGenerationJob({ audienceGenerationJobArn: arn });
      return { name: job.name, status: job.status, statusDetails: job.statusDetails, attributes: generationJobAttributes(job, scoreSizes) };
    },
  },
};

export class WaitHandler extends ResourceHandler<WaitProperties, AttributeData> {
  /** The waited-for resource's name, once a check has seen it. */
  private observedName?: string;

  constructor(runtime: HandlerRuntime, event: CustomResourceEvent) {
    super(runtime, event, PROPERTIES);
  }

  protected get noun(): string {
    try {
      return KINDS[this.kind].noun;
    } catch {
      // A Delete answers whatever its properties say.
      return 'Clean Rooms ML resource';
    }
  }

  /** Its window; a Delete (which has nothing to wait for) keeps the default. */
  protected get windowSeconds(): number {
    return this.requestType === 'Delete' ? super.windowSeconds : this.properties.WindowSeconds ?? WAIT_WINDOW_SECONDS;
  }

  protected timedOut(status: string): Error {
    const kind = KINDS[this.kind];
    const name = this.observedName === undefined ? '' : ` "${this.observedName}"`;
    const timeout = this.commonProperties.TimeoutSeconds;
    const after = timeout === undefined ? '' : ` after ${formatDuration(timeout * 1000)}`;
    return new ResourceFailure(
      `timed out${after} waiting for the ${kind.noun}${name} to ${kind.goal} (${status}); raise the construct's timeout ` +
      `(at most ${formatDuration(MAX_CHAINED_TIMEOUT_SECONDS * 1000)}) if it needs longer`,
    );
  }

  protected onCreate(): Promise<Started> {
    return Promise.resolve(this.start());
  }

  protected onUpdate(): Promise<Started> {
    return Promise.resolve(this.start());
  }

  protected async onDelete(): Promise<void> {
    this.log.info('Nothing to delete: a wait resource owns nothing');
  }

  /** What it waits for: the resource type of ResourceArn. */
  private get kind(): WaitResourceKind {
    const { ResourceArn } = this.properties;
    const kind = WAIT_RESOURCE_KINDS.find((candidate) => arnPattern(candidate).test(ResourceArn));
    if (!kind) {
      throw new ResourceFailure(`ResourceArn must be an audience model or audience generation job ARN, got ${JSON.stringify(ResourceArn)}`);
    }
    return kind;
  }

  protected isCreateComplete(): Promise<Progress<AttributeData>> {
    return this.check();
  }

  protected isUpdateComplete(): Promise<Progress<AttributeData>> {
    return this.check();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    return this.done(undefined);
  }

  /**
   * The physical id: the waited-for resource's ARN, so a replaced resource
   * gives a new one (CloudFormation's Delete of the old one does nothing).
   * `/wait-1` is the form of earlier releases' first link, kept so that no
   * deployed ready resource changes its id.
   */
  private start(): Started {
    const { ResourceArn } = this.properties;
    const WindowSeconds = this.windowSeconds;
    // Refuses an ARN of any other kind.
    const kind = this.kind;
    if (WindowSeconds < 1) {
      throw new ResourceFailure(`WindowSeconds must be at least 1, got ${WindowSeconds}`);
    }
    this.log.info('Waiting', { resourceArn: ResourceArn, kind, windowSeconds: WindowSeconds });
    return { physicalResourceId: `${ResourceArn}/wait-1` };
  }

  private async check(): Promise<Progress<AttributeData>> {
    const { ResourceArn, RelevanceScoreSizes } = this.properties;
    const kind = KINDS[this.kind];
    let observed: Observed;
    try {
      observed = await kind.observe(this.client, ResourceArn, RelevanceScoreSizes);
    } catch (err) {
      if (isNotFound(err)) {
        throw new ResourceFailure(`the ${kind.noun} ${ResourceArn} no longer exists: it was deleted outside this stack`);
      }
      throw err;
    }
    this.observedName = observed.name;
    switch (observed.status) {
      case 'ACTIVE':
        return this.done(observed.attributes);
      case 'CREATE_PENDING':
      case 'CREATE_IN_PROGRESS':
        return this.waiting(`status ${observed.status}`, observed.attributes);
      case 'CREATE_FAILED':
        throw new ResourceFailure(`${kind.failure} "${observed.name}" failed (CREATE_FAILED): ${describeStatusDetails(observed.statusDetails)}`);
      default:
        throw new ResourceFailure(`the ${kind.noun} "${observed.name}" is ${observed.status}: it was deleted outside this stack`);
    }
  }
}
