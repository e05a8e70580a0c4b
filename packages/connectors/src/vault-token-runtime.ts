import type { VaultTokenSetup } from "./connection";
import type { Runtime } from "./runtime";

/** The bearer token of a connection whose tokens the consent stored: the current one, swapped on refresh. */
export interface LiveBearer {
  value: string;
}

/**
 * With vault tokens (`revops setup`'s consent), each attempt runs with a fresh token in `live` (the transport
 * signs with it) and a 401 refreshes it and retries once; without them, the runtime as it is.
 */
export function withVaultTokens(
  runtime: Runtime,
  setup: VaultTokenSetup,
  connectionId: string,
  live: LiveBearer,
): Runtime {
  const { tokens } = setup;
  if (!tokens) return runtime;
  const id = setup.tokenConnectionId ?? connectionId;
  return {
    ...runtime,
    attempt: (operation, fn, opts) =>
      tokens.withFreshToken(id, (accessToken) => {
        live.value = accessToken;
        return runtime.attempt(operation, fn, opts);
      }),
  };
}
