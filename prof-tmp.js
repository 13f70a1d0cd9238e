const { synthesizeBenchApp } = require('./node_modules/.cache/bench-app-lib.js');
const os = require('os'); const path = require('path');
const variant = process.argv[2];
const times = [];
for (let i = 0; i < 12; i++) {
  const t = process.hrtime.bigint();
  synthesizeBenchApp({ variant, pipelines: 1, mode: 'defaults', outdir: path.join(os.tmpdir(), 'prof-' + variant + i), resourceLimitCheck: false });
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const first = times[0]; const rest = times.slice(2).sort((a, b) => a - b);
console.log(variant, 'first', first.toFixed(0), 'warm median', rest[Math.floor(rest.length / 2)].toFixed(1));
