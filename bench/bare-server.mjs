// The stdio baseline: the bare SDK v2 server with one echo tool.
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { bareServer } from "./bare-tool.mjs";

await bareServer().connect(new StdioServerTransport());
