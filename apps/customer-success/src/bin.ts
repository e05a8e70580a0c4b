#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createCustomerSuccessServer } from "./server";

await serve({ modules: [createCustomerSuccessServer()], defaultPort: 3103 });
