// `node --experimental-transform-types --import ./test/register-ts.mjs x.ts` runs TypeScript sources directly.
import { register } from "node:module";

register("./resolve-ts.mjs", import.meta.url);
