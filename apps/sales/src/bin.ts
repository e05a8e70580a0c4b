#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createLazySalesServer } from "./lazy";

await serve({ modules: [createLazySalesServer()], defaultPort: 3101 });
