import type { VaultAccess } from "@revops/connectors/doctor";
import type { Command } from "commander";

type Env = Record<string, string | undefined>;

/** What the OAuth consent needs from the command line that hosts it (`setup`, `connections add`). */
export interface ConsentDeps {
  /** The credential vault under a master key (the settings being written may bring a new one). */
  vault?: (env: Env) => VaultAccess;
  /** Opens the consent page; the `open` package by default. */
  openBrowser?: (url: string) => Promise<void>;
}

export interface ConsentFlags {
  browser: boolean;
  callbackPort: string;
}

/** `--no-browser` and `--callback-port`, on both commands. */
export const withConsentFlags = (c: Command): Command =>
  c
    .option("--no-browser", "print the OAuth consent address instead of opening the browser")
    .option(
      "--callback-port <port>",
      "loopback port of the OAuth redirect (the one registered with the vendor's app; 0: any free port)",
      "0",
    );

/** Opens the user's default browser (xdg-open, open, start) without waiting for it to close. */
async function openInBrowser(url: string): Promise<void> {
  const { default: open } = await import("open");
  const child = await open(url);
  child.once("error", () => {});
}

/** The consent options of a vendor step: vault, browser and redirect port. */
export function consentOptions(deps: ConsentDeps, flags: ConsentFlags) {
  const port = Number(flags.callbackPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error("--callback-port must be a port number (0 picks a free one).");
  return {
    ...(deps.vault ? { vault: deps.vault } : {}),
    ...(flags.browser ? { openBrowser: deps.openBrowser ?? openInBrowser } : {}),
    callbackPort: port,
  };
}
