import type { ToolsetDefinition } from "@revops/kit";

export const infrastructureToolset: ToolsetDefinition = {
  name: "infrastructure",
  description:
    "Backups of the server's own data and its settings (guarded: restore, delete and settings need a human)",
  default: false,
};
