#!/usr/bin/env node
// The README's test command: every vitest project, then one plain line `N passed, N failed`.
// Exit status is non-zero when any test failed or vitest itself failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const out = '.vitest/results.json';
mkdirSync('.vitest', { recursive: true });
if (existsSync(out)) rmSync(out);
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
if (existsSync(out)) {
  const results = JSON.parse(readFileSync(out, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numTotalTestSuites > 0 ? 0 : 0);
  const brokenFiles = (results.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  failed += brokenFiles.length; // a file that failed to load counts as a failure
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 || passed === 0 ? 1 : 0);
