import { describeGuardMatrix } from "@revops/guards/testing";
import { createMarketingServer } from "../src/server";

// Every guarded or destructive tool of this server, against every way a model could fake consent.
describeGuardMatrix(createMarketingServer());
