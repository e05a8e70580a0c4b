#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createLazyMarketingServer } from "./lazy";

await serve({ modules: [createLazyMarketingServer()], defaultPort: 3102 });
