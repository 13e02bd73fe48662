import { fileURLToPath } from 'node:url';

/** Resolve every `@oar/*` package to its TypeScript source, so tests never run a stale build. */
export const oarSourceAliases = Object.fromEntries(
  ['layers', 'networks', 'pserver', 'worker', 'data'].map((name) => [
    `@oar/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);
