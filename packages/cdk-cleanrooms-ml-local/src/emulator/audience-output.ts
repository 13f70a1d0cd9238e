/**
 * The exported audience as a local file, so a pipeline's output can be looked
 * at without S3 (the `outputDirectory` option).
 *
 * An ACTIVE export job's `outputLocation` `s3://bucket/key/` maps to
 * `<outputDirectory>/bucket/key/audience.jsonl`: JSON Lines, one
 * `{"user_id":"u_…","relevance_score":0.97…}` per user, best first. An
 * ABSOLUTE size of N gives N lines; a PERCENTAGE of P gives P % of a notional
 * pool of NOTIONAL_USER_POOL users. User ids are derived from the generation
 * job's name, the export's name and the size, so rerunning a pipeline with
 * the same names reproduces the same file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AudienceSize } from './metrics';

/** The user pool a PERCENTAGE audience size is a share of. */
export const NOTIONAL_USER_POOL = 100_000;

export const AUDIENCE_FILE_NAME = 'audience.jsonl';

/** How many users an export of this size holds. */
export function exportedUserCount(size: AudienceSize): number {
  const count = size.type === 'ABSOLUTE' ? size.value : (NOTIONAL_USER_POOL * size.value) / 100;
  return Math.max(0, Math.round(count));
}

/**
 * Where the audience of an export with this outputLocation is written. Empty,
 * `.` and `..` segments are dropped, so the file always lands inside the
 * output directory.
 */
export function audienceFilePath(outputDirectory: string, outputLocation: string): string {
  const segments = outputLocation.replace(/^s3:\/\//, '').split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return join(resolve(outputDirectory), ...segments, AUDIENCE_FILE_NAME);
}

/** Writes the audience file in one go (through a temporary file, so readers never see half of it); returns its path. */
export function writeAudienceFile(outputDirectory: string, outputLocation: string, seed: string, size: AudienceSize): string {
  const path = audienceFilePath(outputDirectory, outputLocation);
  const count = exportedUserCount(size);
  const key = createHash('sha256').update(seed).digest();
  const lines = new Array<string>(count);
  for (let index = 0; index < count; index++) {
    const userId = `u_${createHash('sha256').update(key).update(String(index)).digest('hex').slice(0, 24)}`;
    // Scores fall from 1 towards 0.5 down the list, as relevance does.
    const score = Math.round((1 - (0.5 * index) / Math.max(count, 1)) * 10_000) / 10_000;
    lines[index] = `{"user_id":"${userId}","relevance_score":${score}}\n`;
  }
  mkdirSync(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, lines.join(''));
  renameSync(temporary, path);
  return path;
}
