/**
 * Structured logs: one JSON object a line, with the request's identifiers on
 * every line. Callers pass only the fields they mean to log (never a whole
 * event or its properties); as a second line of defence, every line is
 * scrubbed of the values known to be secret (the pre-signed ResponseURL, the
 * function's credentials).
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Writes one finished line; tests replace it. */
export type LogWriter = (line: string) => void;

export type LogFields = Readonly<Record<string, unknown>>;

const REDACTED = '[redacted]';

/** Shorter strings are not worth scrubbing (and would blank ordinary text). */
const MIN_SECRET_LENGTH = 8;

export class Logger {
  private readonly secrets: readonly string[];

  /**
   * @param fields written on every line
   * @param secrets values replaced by `[redacted]` wherever they appear
   */
  constructor(
    private readonly fields: LogFields = {},
    secrets: readonly (string | undefined)[] = [],
    private readonly write: LogWriter = (line) => console.log(line),
  ) {
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))]
      .sort((a, b) => b.length - a.length);
  }

  /** A logger writing `fields` on every line besides this one's. */
  public child(fields: LogFields): Logger {
    return new Logger({ ...this.fields, ...fields }, this.secrets, this.write);
  }

  public debug(message: string, fields?: LogFields): void {
    this.log('DEBUG', message, fields);
  }

  public info(message: string, fields?: LogFields): void {
    this.log('INFO', message, fields);
  }

  public warn(message: string, fields?: LogFields): void {
    this.log('WARN', message, fields);
  }

  public error(message: string, fields?: LogFields): void {
    this.log('ERROR', message, fields);
  }

  /** `text` with every known secret replaced. */
  public scrub(text: string): string {
    return this.secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join(REDACTED), text);
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    const line = JSON.stringify({ level, message, ...this.fields, ...fields }, (_key, value: unknown) =>
      (value instanceof Error ? { name: value.name, message: value.message } : value));
    this.write(this.scrub(line));
  }
}

/**
 * The values a handler must never write anywhere: the request's pre-signed
 * ResponseURL (and its query, which holds the signature) and the function's
 * credentials.
 */
export function secretsOf(responseUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = [responseUrl, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN];
  const query = responseUrl?.indexOf('?') ?? -1;
  if (responseUrl && query >= 0) {
    secrets.push(responseUrl.slice(query + 1));
  }
  return secrets.filter((secret): secret is string => !!secret);
}
