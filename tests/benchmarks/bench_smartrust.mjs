// @push.rocks/smartrust (Node) driving the same Rust demo backend, used the
// way its README shows: `await bridge.spawn()`, `await bridge.sendCommand()`,
// `for await (const chunk of bridge.sendCommandStreaming())`.
//
// node bench_smartrust.mjs --module-dir DIR --workload W --backend PATH [--size MIB] [--count N] [--reps N] [--quick]
// DIR is where `npm install @push.rocks/smartrust` was run (scripts/bench.sh
// uses build-bench/node-smartrust). Prints one `BENCH {...}` line like the C++ clients.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = { workload: '', backend: '', size: 0, count: 0, reps: 0, quick: false, moduleDir: '' };
for (let i = 2; i < process.argv.length; ++i) {
  const a = process.argv[i];
  const value = () => process.argv[++i];
  if (a === '--workload') args.workload = value();
  else if (a === '--backend') args.backend = value();
  else if (a === '--size') args.size = Number(value());
  else if (a === '--count') args.count = Number(value());
  else if (a === '--reps') args.reps = Number(value());
  else if (a === '--module-dir') args.moduleDir = value();
  else if (a === '--quick') args.quick = true;
  else throw new Error(`unknown argument ${a}`);
}

// Same parameters as benchcommon.h.
const MiB = 1024 * 1024;
const kStallBytes = 50 * MiB;
const kMaxPayload = 64 * MiB;
const kEchoEnvelope = 128;
const seqCount = args.count || (args.quick ? 3000 : 20000);
const seqWarmup = 200;
const pipelinedCount = args.count || 100000;
const streamCount = args.count || 100000;
const echoReps = args.reps || (args.quick ? (args.size >= 50 ? 1 : 3) : (args.size >= 50 ? 3 : 5));
const stallReps = args.reps || (args.quick ? 1 : 3);
const kRepBudgetSeconds = 30;  // repetitions stop early once a run has spent this long
const small = { s: 'x'.repeat(100 - 8) };  // {"s":"xxx..."}: 100 bytes of JSON

const fields = { client: 'smartrust', workload: args.workload, size_mib: args.size, quick: args.quick ? 1 : 0 };
const now = () => Number(process.hrtime.bigint()) / 1e9;
const statusKb = (key) => {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : -1;
};
const resetPeakRss = () => { try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* old kernel */ } };
const percentile = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};
const median = (v) => percentile(v, 50);
function print() {
  const cpu = process.cpuUsage();
  fields.cpu_seconds = (cpu.user + cpu.system) / 1e6;
  console.log(`BENCH ${JSON.stringify(fields)}`);
}
function fail(why) {
  fields.error = String(why);
  print();
  process.exit(1);
}

let RustBridge;
try {
  const require = createRequire(join(args.moduleDir || process.cwd(), 'package.json'));
  ({ RustBridge } = await import(pathToFileURL(require.resolve('@push.rocks/smartrust')).href));
} catch (e) {
  fail(`cannot load @push.rocks/smartrust: ${e.message}`);
}

const bridge = new RustBridge({
  binaryName: 'demo-backend',
  binaryPath: args.backend,
  requestTimeoutMs: 600000,
  maxPayloadSize: kMaxPayload,  // the 50 MiB `big` reply line is a bit over 50 MiB
});
bridge.on('stderr', () => {});
if (!(await bridge.spawn())) fail('spawn failed (no ready event)');

try {
  if (args.workload === 'seq') {
    for (let i = 0; i < seqWarmup; ++i) await bridge.sendCommand('echo', small);
    const latencies = [];
    const start = now();
    for (let i = 0; i < seqCount; ++i) {
      const t0 = now();
      await bridge.sendCommand('echo', small);
      latencies.push(now() - t0);
    }
    const seconds = now() - start;
    Object.assign(fields, { ops: seqCount, seconds, rate: seqCount / seconds,
      p50_us: percentile(latencies, 50) * 1e6, p99_us: percentile(latencies, 99) * 1e6 });
  } else if (args.workload === 'pipelined') {
    const t0 = now();
    const all = [];
    for (let i = 0; i < pipelinedCount; ++i) all.push(bridge.sendCommand('echo', small));
    const sent = now();
    await Promise.all(all);
    const seconds = now() - t0;
    Object.assign(fields, { ops: pipelinedCount, seconds, rate: pipelinedCount / seconds, send_seconds: sent - t0 });
  } else if (args.workload === 'stream') {
    const t0 = now();
    const stream = bridge.sendCommandStreaming('count', { n: streamCount, delayMs: 0 });
    let chunks = 0;
    for await (const chunk of stream) ++chunks;  // eslint-disable-line no-unused-vars
    await stream.result;
    if (chunks !== streamCount) fail(`got ${chunks} chunks`);
    const seconds = now() - t0;
    Object.assign(fields, { ops: streamCount, seconds, rate: streamCount / seconds });
  } else if (args.workload === 'echo') {
    const bytes = args.size * MiB - kEchoEnvelope;
    const params = { s: 'x'.repeat(bytes) };
    resetPeakRss();  // the peak below includes the request the client holds
    const times = [];
    const begin = now(), cpu0 = process.cpuUsage();
    for (let r = 0; r < echoReps && now() - begin < kRepBudgetSeconds; ++r) {
      const t0 = now();
      const reply = await bridge.sendCommand('echo', params);
      times.push(now() - t0);
      if (typeof reply?.s !== 'string' || reply.s.length !== bytes) fail('bad echo reply');
    }
    const cpu = process.cpuUsage(cpu0);
    Object.assign(fields, { bytes, reps: times.length, cpu_ms_per_rep: (cpu.user + cpu.system) / 1e3 / times.length, seconds: median(times), seconds_min: Math.min(...times),
      peak_rss_kb: statusKb('VmHWM') });
  } else if (args.workload === 'stall') {
    const worst = [], mainCpu = [];
    const begin = now();
    for (let r = 0; r < stallReps && now() - begin < kRepBudgetSeconds; ++r) {
      let last = now(), maxGap = 0;
      const cpu0 = process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage();
      const timer = setInterval(() => {
        const t = now();
        maxGap = Math.max(maxGap, t - last);
        last = t;
      }, 1);
      const t0 = now();
      const reply = await bridge.sendCommand('big', { bytes: kStallBytes });
      if (typeof reply !== 'string') fail('bad big reply');
      const t1 = now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      clearInterval(timer);
      maxGap = Math.max(maxGap, now() - last);
      const cpu = process.threadCpuUsage ? process.threadCpuUsage(cpu0) : process.cpuUsage(cpu0);
      worst.push(maxGap);
      mainCpu.push((cpu.user + cpu.system) / 1e6);
      fields[`seconds_${r}`] = t1 - t0;
    }
    Object.assign(fields, { max_gap_ms: median(worst) * 1e3, max_gap_ms_worst: Math.max(...worst) * 1e3,
      main_cpu_ms: median(mainCpu) * 1e3 });
  } else {
    fail(`unknown workload ${args.workload}`);
  }
} catch (e) {
  fail(e.message);
}
fields.hwm_kb = statusKb('VmHWM');
print();
bridge.kill();
process.exit(0);
