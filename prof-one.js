const t0 = process.hrtime.bigint();
const { synthesizeBenchApp } = require('./node_modules/.cache/bench-app-lib.js');
const t1 = process.hrtime.bigint();
synthesizeBenchApp({ variant: process.argv[2], pipelines: 1, mode: 'defaults', outdir: '/tmp/prof-one-' + process.argv[2], resourceLimitCheck: false });
const t2 = process.hrtime.bigint();
console.log(process.argv[2], 'require', Number(t1 - t0) / 1e6 | 0, 'synth', Number(t2 - t1) / 1e6 | 0);
