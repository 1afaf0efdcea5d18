// `node --import ./src/loader/register.mjs src/start.ts`: runs the TypeScript sources with esbuild's transform and
// nothing else. tsx (used by the npm scripts and tests' child processes) always transforms with keepNames, which
// wraps every function the code creates in `__name(fn, "…")`: measured here, that makes each closure cost 256 more
// bytes of heap and ~1–2 µs more to create, on every request and socket. The server runs without it.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
