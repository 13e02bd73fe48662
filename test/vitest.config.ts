import { defineConfig } from 'vitest/config';
import { oarSourceAliases } from '../vitest.shared.js';

export default defineConfig({
  resolve: { alias: oarSourceAliases },
  test: { name: 'integration', include: ['**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
