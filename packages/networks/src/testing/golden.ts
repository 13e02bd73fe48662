import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Topology } from '@oar/layers';

const GOLDEN_DIR = new URL('../../fixtures/golden/', import.meta.url);

/** True when the goldens are to be rewritten (`UPDATE_GOLDEN=1 npx vitest run --project networks`). */
export const updatingGolden = process.env.UPDATE_GOLDEN === '1';

/**
 * The golden JSON of `name` (fixtures/golden/NAME.json), parsed. With UPDATE_GOLDEN=1 it is first rewritten
 * from `topology`; without, a missing file is an error (a golden is never made silently).
 */
export function readGolden(name: string, topology: Topology): unknown {
  const file = new URL(`${name}.json`, GOLDEN_DIR);
  if (updatingGolden) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, topology.serialize());
  }
  if (!existsSync(file)) {
    throw new Error(`golden ${name}.json is missing; run UPDATE_GOLDEN=1 npx vitest run --project networks, then review the file`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}
