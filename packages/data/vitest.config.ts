import { defineConfig } from 'vitest/config';
import { oarSourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: oarSourceAliases },
  // Tests on the real datasets parse 100k+ entries: on a loaded 2-core machine that exceeds vitest's 5 s default.
  test: { name: 'data', include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
