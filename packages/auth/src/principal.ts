/** Same shape as the kit's Principal (structural), so the kit accepts ours without a dependency. */
export interface Principal {
  id: string;
  name?: string;
  /** Granted scopes; "*" grants every scope. */
  scopes: readonly string[];
  /** How the principal was established ("stdio-local", "api-key", "oauth", "loopback-dev"). */
  via: string;
}
