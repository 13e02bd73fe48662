import { defineConfig } from 'vitest/config';
import { oarSourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: oarSourceAliases },
  test: { name: 'networks', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
