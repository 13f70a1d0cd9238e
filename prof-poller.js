const { App, Stack } = require('aws-cdk-lib');
const { CleanRoomsMlProvider } = require('cdk-cleanrooms-ml/lib/constructs/private/provider');
const { TrainingPoller } = require('cdk-cleanrooms-ml/lib/constructs/private/training-poller');
const app = new App(); const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
let t = process.hrtime.bigint(); CleanRoomsMlProvider.of(stack); const p = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint(); TrainingPoller.of(stack); const q = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint(); app.synth(); const r = Number(process.hrtime.bigint() - t) / 1e6;
console.log('provider', p.toFixed(1), 'poller', q.toFixed(1), 'synth', r.toFixed(1));
