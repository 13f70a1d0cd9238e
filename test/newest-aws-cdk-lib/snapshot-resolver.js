// Snapshots of the tests run against the newest aws-cdk-lib live beside the
// usual ones under a suffix of their own, so that what each release changes
// in a template is reviewed. The suffix does not end in `.snap`: jest reports
// every `.snap` file whose test it cannot find as obsolete, and the usual run
// would find no test for these.
const path = require('path');

const SUFFIX = '.newest-aws-cdk-lib';

module.exports = {
  resolveSnapshotPath: (testPath, extension) =>
    path.join(path.dirname(testPath), '__snapshots__', path.basename(testPath) + extension + SUFFIX),
  // Also maps the usual `.snap` files to their tests, so that this run does not call them obsolete.
  resolveTestPath: (snapshotPath, extension) =>
    path.join(path.dirname(snapshotPath), '..', path.basename(snapshotPath).replace(SUFFIX, '').slice(0, -extension.length)),
  testPathForConsistencyCheck: path.join('test', 'examples', 'example.test.ts'),
};
