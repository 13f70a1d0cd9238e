import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorAccount, EmulatorAccounts, EmulatorCredentials } from './accounts';
import { AccountScope, partitionOf } from './arns';
import { StoreCollaborationDirectory } from './clean-rooms/directory';
import { CLEAN_ROOMS_SERVICE } from './clean-rooms/service';
import type { CollaborationDirectory } from './collaboration-directory';
import { FaultInjector, FaultOptions } from './faults';
import { DEFAULT_QUOTAS, EmulatorQuotas } from './operation';
import { CLEAN_ROOMS_ML_SERVICE, createRequestListener, EmulatorCore } from './server';
import { SIGNING_NAME } from './signature';
import { CallStats, EmulatorStats } from './stats';
import {
  DEFAULT_TIMINGS,
  EmulatorInventory,
  EmulatorTimings,
  FAILABLE_RESOURCE_TYPES,
  FailureRequest,
  Store,
} from './store';

/** Per resource type, the phase durations to change; the rest keep their defaults. */
export type EmulatorTimingOptions = { readonly [type in keyof EmulatorTimings]?: Partial<EmulatorTimings[type]> };

export interface CleanRoomsMlEmulatorOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /**
   * The port of the AWS Clean Rooms endpoint (collaborations, memberships,
   * configured audience model associations; signing name `cleanrooms`): in
   * AWS a service of its own, so a listener of its own, on the same host,
   * with the same accounts and state. 0 picks a free port. @default 0
   */
  readonly cleanRoomsPort?: number;
  /** The default account: calls signed with `credentials` (or with an unknown key when verifySignature is false). @default '123456789012' */
  readonly accountId?: string;
  /** The partition (aws, aws-cn, aws-us-gov, ...) follows from it. @default 'us-east-1' */
  readonly region?: string;
  /** The default account's access key. @default { accessKeyId: 'test', secretAccessKey: 'test' } */
  readonly credentials?: EmulatorCredentials;
  /**
   * More accounts besides the default one, each with its own access key: the
   * key that signs a request decides the calling account. Each account sees
   * and lists only its own resources, with its own names and quotas; an ARN
   * of another account is not found, except the configured audience model
   * of a cross-account StartAudienceGenerationJob, which its resource policy
   * decides. Account ids and access key ids must be unique.
   * @default none: the default account only
   */
  readonly accounts?: readonly EmulatorAccount[];
  /** False: accept any well-formed SigV4 Authorization header without checking key or signature. @default true */
  readonly verifySignature?: boolean;
  /** How long asynchronous phases last. @default about 1.5 s to create, 0.7 s to delete (see DEFAULT_TIMINGS) */
  readonly timings?: EmulatorTimingOptions;
  /** @default no faults */
  readonly faults?: FaultOptions;
  /** @default the service's quotas (see DEFAULT_QUOTAS) */
  readonly quotas?: Partial<EmulatorQuotas>;
  /** Keeps the state in this JSON file (written after every change, read on start). @default in memory only */
  readonly stateFile?: string;
  /**
   * Writes each export job's audience, once it is ACTIVE, to
   * `<outputDirectory>/<bucket>/<key>/audience.jsonl` (its outputLocation
   * `s3://bucket/key/` mapped to a folder). See index.ts. @default no files
   */
  readonly outputDirectory?: string;
  /**
   * GetAudienceModel reports `metrics` once the model is ACTIVE, as the 2023
   * API did. AWS removed them from the service's model in 2024 (a generation
   * job's relevance metrics remain); only for code written against the old
   * API. @default false
   */
  readonly legacyAudienceModelMetrics?: boolean;
  /** The emulator's notion of now, epoch milliseconds; statuses follow it. @default Date.now */
  readonly clock?: () => number;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;

/**
 * A local Clean Rooms ML endpoint. See index.ts for the behaviour it
 * emulates and how to ask it for failures.
 */
export class CleanRoomsMlEmulator {
  /** Starts an emulator and resolves once it is listening. */
  public static async start(options: CleanRoomsMlEmulatorOptions = {}): Promise<CleanRoomsMlEmulator> {
    const emulator = new CleanRoomsMlEmulator(options);
    await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0, options.cleanRoomsPort ?? 0);
    return emulator;
  }

  /** The default account. */
  public readonly accountId: string;
  public readonly region: string;
  public readonly partition: string;
  /** Every account, the default first. */
  public readonly accounts: readonly EmulatorAccount[];

  private readonly store: Store;
  private readonly faults: FaultInjector;
  private readonly callStats = new CallStats();
  private readonly clock: () => number;
  private readonly server: Server;
  private readonly cleanRoomsServer: Server;
  private listeningOn = '';
  private cleanRoomsListeningOn = '';

  /** What the Clean Rooms ML side asks the AWS Clean Rooms side about collaborations. */
  public readonly collaborationDirectory: CollaborationDirectory;

  private constructor(options: CleanRoomsMlEmulatorOptions) {
    const accounts = new EmulatorAccounts(
      { accountId: options.accountId ?? '123456789012', credentials: options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' } },
      options.accounts,
    );
    this.accounts = accounts.all;
    this.accountId = accounts.default.accountId;
    this.region = options.region ?? 'us-east-1';
    if (!REGION.test(this.region)) {
      throw new Error(`region must look like us-east-1, got "${this.region}"`);
    }
    this.partition = partitionOf(this.region);
    const scope: AccountScope = { accountId: this.accountId, region: this.region, partition: this.partition };
    this.clock = options.clock ?? Date.now;
    this.faults = new FaultInjector(options.faults);
    this.store = new Store({
      scope,
      accounts,
      timings: mergeTimings(options.timings),
      stateFile: options.stateFile,
      outputDirectory: options.outputDirectory,
      legacyAudienceModelMetrics: options.legacyAudienceModelMetrics,
    });

    // The one place where the Clean Rooms side of the emulator plugs in: it
    // answers what Clean Rooms ML asks about collaborations.
    this.collaborationDirectory = new StoreCollaborationDirectory(this.store);
    const collaborations = this.collaborationDirectory;

    const core: EmulatorCore = {
      store: this.store,
      scope,
      accounts,
      collaborations,
      quotas: { ...DEFAULT_QUOTAS, ...options.quotas },
      faults: this.faults,
      stats: this.callStats,
      signature: {
        region: this.region,
        signingName: SIGNING_NAME,
        accounts,
        verify: options.verifySignature ?? true,
        wallClock: Date.now,
      },
      now: () => this.clock(),
      failNext: (request) => this.failNext(request),
      reset: () => this.reset(),
      cleanRoomsEndpoint: () => this.cleanRoomsEndpoint,
    };
    this.server = createServer(createRequestListener(core, CLEAN_ROOMS_ML_SERVICE));
    this.cleanRoomsServer = createServer(createRequestListener(core, CLEAN_ROOMS_SERVICE));
  }

  /** Base URL for SDK clients of Clean Rooms ML, e.g. `http://127.0.0.1:54321`. */
  public get endpoint(): string {
    return this.listeningOn;
  }

  /**
   * Base URL for SDK clients of AWS Clean Rooms (`@aws-sdk/client-cleanrooms`;
   * functions read it from AWS_ENDPOINT_URL_CLEANROOMS), e.g. `http://127.0.0.1:54322`.
   */
  public get cleanRoomsEndpoint(): string {
    return this.cleanRoomsListeningOn;
  }

  /** Stops listening on both endpoints and drops open connections. The state file, if any, stays. */
  public async stop(): Promise<void> {
    await Promise.all([this.server, this.cleanRoomsServer].map(async (server) => {
      if (!server.listening) {
        return;
      }
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    }));
  }

  /** What exists now, as the Get operations describe it, with tags and resource policies. */
  public inventory(): EmulatorInventory {
    const now = this.clock();
    if (this.store.sweep(now)) {
      this.store.save();
    }
    return this.store.inventory(now);
  }

  /** Replaces the fault settings; the fault sequence restarts from the seed. */
  public setFaults(faults: FaultOptions): void {
    this.faults.configure(faults);
  }

  /**
   * Makes the next create (or delete) of a resource type fail: the resource
   * ends in CREATE_FAILED (or DELETE_FAILED) with statusDetails carrying the
   * message. Requests queue up and are used oldest first.
   */
  public failNext(request: FailureRequest): void {
    if (!FAILABLE_RESOURCE_TYPES.includes(request.resourceType)) {
      throw new Error(`failNext: resourceType must be one of ${FAILABLE_RESOURCE_TYPES.join(', ')}, got "${request.resourceType}"`);
    }
    this.store.state.pendingFailures.push({ ...request });
    this.store.save();
  }

  /** Forgets every resource, queued failure and count (fault settings stay). */
  public reset(): void {
    this.store.reset();
    this.callStats.reset();
  }

  public stats(): EmulatorStats {
    return this.callStats.snapshot();
  }

  private async listen(host: string, port: number, cleanRoomsPort: number): Promise<void> {
    this.listeningOn = await listenOn(this.server, host, port);
    try {
      this.cleanRoomsListeningOn = await listenOn(this.cleanRoomsServer, host, cleanRoomsPort);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }
}

/** Starts a server listening; resolves with its base URL. */
async function listenOn(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}

function mergeTimings(overrides: EmulatorTimingOptions = {}): EmulatorTimings {
  const merged: EmulatorTimings = {
    audienceModel: { ...DEFAULT_TIMINGS.audienceModel, ...overrides.audienceModel },
    audienceGenerationJob: { ...DEFAULT_TIMINGS.audienceGenerationJob, ...overrides.audienceGenerationJob },
    audienceExportJob: { ...DEFAULT_TIMINGS.audienceExportJob, ...overrides.audienceExportJob },
  };
  for (const [type, phases] of Object.entries(merged)) {
    for (const [phase, millis] of Object.entries(phases as Record<string, number>)) {
      if (!(millis >= 0)) {
        throw new Error(`timings.${type}.${phase} must be 0 or more milliseconds, got ${millis}`);
      }
    }
  }
  return merged;
}
