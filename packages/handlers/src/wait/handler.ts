/**
 * `Custom::CleanRoomsMLWait`: one link of a chain that keeps waiting for an
 * audience model's training, or an audience generation job, past the hour
 * CloudFormation waits for one custom resource.
 *
 * Create and Update read the resource: ACTIVE completes at once with its
 * attributes; CREATE_FAILED fails with the service's statusDetails; still
 * being created waits until ACTIVE, a failure, or the end of this link's
 * window. A window that ends with the resource still being created completes
 * the link (the next one waits on), or, for the last link, fails "timed out"
 * with the last status. Delete has nothing to do: the link owns nothing.
 *
 * The link does not delete a failed resource: the resource completed in this
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
import { integer, oneOf, optional, PropertySchema, string } from '../framework/properties';
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
  ResourceKind: optional(oneOf(WAIT_RESOURCE_KINDS)),
  ResourceArn: string,
  Link: optional(integer),
  Links: optional(integer),
  WindowSeconds: optional(integer),
  RelevanceScoreSizes: optional(audienceSizeList),
};

/** What a link saw of the resource it waits for. */
interface Observed {
  readonly name: string;
  readonly status: string;
  readonly statusDetails?: { readonly statusCode?: string; readonly message?: string };
  readonly attributes: AttributeData;
}

/** What differs between the kinds of resource a link waits for. */
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

  /** This link's window; a Delete (which has nothing to wait for) keeps the default. */
  protected get windowSeconds(): number {
    return this.requestType === 'Delete' ? super.windowSeconds : this.properties.WindowSeconds ?? WAIT_WINDOW_SECONDS;
  }

  /** Every link but the last hands over to the next one. */
  protected get continuedByWait(): boolean {
    return this.requestType !== 'Delete' && this.link < this.links;
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

  /** What it waits for: ResourceKind, or the resource type of ResourceArn (the ready resource of a long wait names none). */
  private get kind(): WaitResourceKind {
    const { ResourceKind, ResourceArn } = this.properties;
    const kind = ResourceKind ?? WAIT_RESOURCE_KINDS.find((candidate) => arnPattern(candidate).test(ResourceArn));
    if (!kind) {
      throw new ResourceFailure(`ResourceArn must be an audience model or audience generation job ARN, got ${JSON.stringify(ResourceArn)}`);
    }
    return kind;
  }

  /** Its place in a chain of earlier releases' wait resources; the ready resource of a long wait is the only one. */
  private get link(): number {
    return this.properties.Link ?? 1;
  }

  private get links(): number {
    return this.properties.Links ?? 1;
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
   * The physical id: the waited-for resource's ARN and the link's position.
   * A replaced resource gives the link a new id (CloudFormation's Delete of
   * the old one does nothing).
   */
  private start(): Started {
    const { ResourceArn } = this.properties;
    const WindowSeconds = this.windowSeconds;
    const [ResourceKind, Link, Links] = [this.kind, this.link, this.links];
    if (!arnPattern(ResourceKind).test(ResourceArn)) {
      throw new ResourceFailure(`ResourceArn must be ${withArticle(KINDS[ResourceKind].noun)} ARN, got ${JSON.stringify(ResourceArn)}`);
    }
    if (!(Link >= 1 && Link <= Links)) {
      throw new ResourceFailure(`Link must be between 1 and Links (${Links}), got ${Link}`);
    }
    if (WindowSeconds < 1) {
      throw new ResourceFailure(`WindowSeconds must be at least 1, got ${WindowSeconds}`);
    }
    this.log.info('Waiting', { resourceArn: ResourceArn, link: Link, links: Links, windowSeconds: WindowSeconds });
    return { physicalResourceId: `${ResourceArn}/wait-${Link}` };
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

/** `an audience model`, `an audience generation job`. */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
