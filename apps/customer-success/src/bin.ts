#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createLazyCustomerSuccessServer } from "./lazy";

await serve({ modules: [createLazyCustomerSuccessServer()], defaultPort: 3103 });
