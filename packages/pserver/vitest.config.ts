import { defineConfig } from 'vitest/config';
import { oarSourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: oarSourceAliases },
  // Real sockets and timers (checkpoints, trainer timeouts): guard against a loaded machine, not vitest's 5 s.
  test: { name: 'pserver', include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
