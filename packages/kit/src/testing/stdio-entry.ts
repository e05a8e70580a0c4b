// A stdio server of the demo module for stdio-start.test.ts: it says on stderr when its ports open.
import { main } from "../run";
import { demoModule } from "./demo";

await main({
  modules: [
    {
      ...demoModule,
      ports: async () => {
        process.stderr.write("ports opening\n");
        return {};
      },
    },
  ],
  defaultPort: 0,
  stdioPortsDelayMs: Number(process.env.STDIO_PORTS_DELAY_MS),
});
