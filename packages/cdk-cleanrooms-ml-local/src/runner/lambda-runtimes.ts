/**
 * AWS Lambda's deprecation schedule for its Node.js runtimes, so that the
 * local runner refuses what Lambda refuses: after a runtime's `blockCreate`
 * date no function can be created on it, after `blockUpdate` none updated
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
 * "Deprecated runtimes"; the Node.js 20 dates are those of AWS's notice of
 * November 2025: deprecated on 2026-04-30, creation blocked from 2026-06-01,
 * updates from 2026-07-01). Runtimes older than the table are long blocked.
 */

interface RuntimeSchedule {
  readonly deprecated: string;
  readonly blockCreate: string;
  readonly blockUpdate: string;
}

const NODEJS_SCHEDULE: Readonly<Record<string, RuntimeSchedule>> = {
  'nodejs18.x': { deprecated: '2025-09-01', blockCreate: '2025-10-01', blockUpdate: '2025-11-01' },
  'nodejs20.x': { deprecated: '2026-04-30', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'nodejs22.x': { deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
};

/** The oldest Node.js major the table lists: anything older is blocked. */
const OLDEST_LISTED_MAJOR = 18;

/**
 * Lambda's refusal of a create or an update of a function on `runtime` at
 * `now`, as its InvalidParameterValueException words it; undefined when
 * Lambda accepts it (including runtimes newer than the table and non-Node.js
 * ones, which the runner turns down later for its own reasons).
 */
export function runtimeRefusal(runtime: string, operation: 'create' | 'update', now: Date): string | undefined {
  const major = Number(/^nodejs(\d+)(\.\d+|\.x)?$/.exec(runtime)?.[1] ?? NaN);
  const schedule = NODEJS_SCHEDULE[runtime];
  const blocked = schedule
    ? now.toISOString().slice(0, 10) >= (operation === 'create' ? schedule.blockCreate : schedule.blockUpdate)
    : runtime === 'nodejs' || major < OLDEST_LISTED_MAJOR;
  if (!blocked) {
    return undefined;
  }
  return `Resource handler returned message: "The runtime parameter of ${runtime} is no longer supported for creating or updating `
    + 'AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions. '
    + '(Service: Lambda, Status Code: 400)" (HandlerErrorCode: InvalidRequest)';
}
