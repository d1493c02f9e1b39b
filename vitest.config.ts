import { defineConfig } from 'vitest/config';

/**
 * `npm test` (test/run-lanes.ts) runs `analysis` throughout, two files at a time, below the
 * others' CPU priority; beside it `apps`, one file at a time, then `solo`, which gets the cores
 * whenever it asks (analysis at nice 19 by then).
 *
 * apps: tests whose subject is a running app and the lab's processes around it, many judged
 * against the clock (an alert within a window, a load generator holding its rate, a drill a
 * trainee plays); one at a time, none of them ever shares the machine with another app under
 * load. analysis: the diagnosis, the postmortem and the units, which count objects and bytes
 * whatever the CPU leaves them; sharing it makes them slower, not wrong. solo: what a starved
 * CPU breaks (beside the analysis lane at equal priority, or each other): the short outage, whose leaky app (then with a 64 MB heap) went down
 * before its first heap snapshot (a stalled snapshot, then a burst of queued requests); the
 * browser drills, whose app and Chromium missed their metrics scrapes for 30 s; the diagnosis of
 * an Express app under real HTTP, where what the HTTP libraries' timers and sockets hold when a
 * snapshot is taken depends on a prompt CPU (a healthy keep-alive agent read as a leak); the load
 * generator's pacing, judged second by second (beside the analysis lane, one second's count came out
 * 12 off its rate of 200, where 5 is allowed; after a retarget, 25 off 100).
 */
const SOLO = [
  'test/lab/outage-run.e2e.test.ts',
  'test/drill/dashboard.browser.test.ts',
  'test/analysis/express-leaks.test.ts',
  // Every file that judges the load's seconds against SEND_SLIP (second-waiter.ts).
  'test/load/load-run.test.ts',
  'test/load/load-control.test.ts',
  'test/load/load-outage.test.ts',
];
const APPS = [
  'test/lab/alert-leaky-vs-fixed.test.ts',
  'test/lab/outage-abort.test.ts',
  'test/lab/outage-dashboard.test.ts',
  'test/lab/load-and-monitor-cli.test.ts',
  'test/lab/clinic-cli.test.ts',
  'test/drill/*.test.ts',
  'test/load/*.test.ts',
  'test/monitor/start-monitor.test.ts',
  'test/monitor/sampler.test.ts',
  'test/monitor/watchdog.test.ts',
  'test/app/server-entry.test.ts',
  // It lowers a process's priority below its own: the analysis lane is at the lowest already.
  'test/helpers/lane-priority.test.ts',
  'test/scenarios/leak-check.test.ts',
  'test/scenarios/runtime-switch.test.ts',
  'test/scenarios/cli.test.ts',
];

const lane = {
  // Files side by side within a lane, on 2 cores, would make every test slower and the clock-judged ones noisy.
  fileParallelism: false,
  testTimeout: 120_000,
  hookTimeout: 60_000,
  teardownTimeout: 10_000,
} as const;

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line (one per lane).
    reporters: ['default', ['json', { outputFile: `test-artifacts/vitest-results${process.env.LEAK_LAB_TEST_LANE ? `-${process.env.LEAK_LAB_TEST_LANE}` : ''}.json` }]],
    projects: [
      { test: { ...lane, name: 'apps', include: APPS, exclude: SOLO } },
      // At the least CPU priority (test/run-lanes.ts) a test may wait long for a core: roomier bounds.
      // Two files at once: most of its files use one core, and while the solo files wait on their
      // apps a second one sat idle (the suite's CPU measured at 1,333 s, its lanes at 817 s on 2 cores).
      { test: { ...lane, fileParallelism: true, maxWorkers: 2, testTimeout: 300_000, hookTimeout: 300_000, name: 'analysis', include: ['test/**/*.test.ts'], exclude: [...APPS, ...SOLO] } },
      { test: { ...lane, name: 'solo', include: SOLO } },
    ],
  },
});
