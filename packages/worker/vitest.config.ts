import { defineConfig } from 'vitest/config';
import { oarSourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: oarSourceAliases },
  test: { name: 'worker', include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
