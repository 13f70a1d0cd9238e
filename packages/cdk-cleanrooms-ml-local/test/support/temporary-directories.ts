/**
 * Temporary directories (cloud assemblies, state files) made by the test
 * suites and the chaos campaign, kept in one list so that whoever made them
 * removes them all at the end, whichever module asked for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh temporary directory, removed by `removeTemporaryDirectories`. */
export function temporaryDirectory(prefix = 'runner-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  created.push(directory);
  return directory;
}

export function removeTemporaryDirectories(): void {
  created.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true }));
}
