#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createMarketingServer } from "./server";

await serve({ modules: [createMarketingServer()], defaultPort: 3102 });
