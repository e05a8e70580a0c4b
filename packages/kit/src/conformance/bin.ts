#!/usr/bin/env node
// Serves the MCP conformance fixture (test_* tools, test:// resources, test_* prompts) for
// `pnpm test:conformance` (scripts/conformance.mjs). It is never part of a normal start: it refuses to run
// unless --conformance-fixture is passed explicitly.
import { main } from "../run";
import { conformanceFixture } from "./fixture";

const FLAG = "--conformance-fixture";
const argv = process.argv.slice(2);

if (!argv.includes(FLAG)) {
  process.stderr.write(
    `This is the MCP conformance test fixture, not a RevOps server. It serves only test_* tools and test:// ` +
      `resources, and starts only with ${FLAG} (pnpm test:conformance passes it). ` +
      `To run a real server use apps/*/dist/bin.js.\n`,
  );
  process.exit(2);
}

// main() is runServer() plus clean exits: bad configuration → exit 2, SIGTERM/SIGINT → graceful stop.
await main({ modules: [conformanceFixture], defaultPort: 3190, argv, extraFlags: [FLAG] });
