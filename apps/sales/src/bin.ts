#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createSalesServer } from "./server";

await serve({ modules: [createSalesServer()], defaultPort: 3101 });
