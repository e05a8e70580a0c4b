import { migrate, type SqlDb } from "@revops/store";
import { type Command, Option } from "commander";
import { ApiKeyStore } from "./api-keys";
import { authMigrations } from "./migrations";
import { BUILTIN_ROLES, type RoleMap } from "./roles";
import { loadMasterKeys, parseMasterKey, readMasterKeyFile } from "./vault/master-key";
import { CredentialVault } from "./vault/vault";

export interface AuthCliDeps {
  /** Opened lazily, so `--help` never touches the database; closed after each command. */
  openDb: () => Promise<SqlDb>;
  roles?: RoleMap;
  env?: Record<string, string | undefined>;
  /** Default console.log. */
  print?: (line: string) => void;
}

/** Adds `keys create|list|revoke|rotate-master` to the given program; returns the `keys` command. */
export function registerAuthCommands(program: Command, deps: AuthCliDeps): Command {
  const print = deps.print ?? ((line: string) => console.log(line));
  const roles = deps.roles ?? BUILTIN_ROLES;
  const env = deps.env ?? process.env;
  const withDb = async <T>(fn: (db: SqlDb) => Promise<T>): Promise<T> => {
    const db = await deps.openDb();
    try {
      await migrate(db, authMigrations);
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  const keys = program.command("keys").description("Manage API keys and the credential master key");

  keys
    .command("create")
    .description("Create an API key; the key is printed once and cannot be shown again")
    .addOption(
      new Option("--role <role>", "role granting the key's scopes")
        .choices(Object.keys(roles))
        .makeOptionMandatory(),
    )
    .requiredOption("--name <name>", "who or what uses the key, e.g. 'zapier-prod'")
    .action((opts: { role: string; name: string }) =>
      withDb(async (db) => {
        const created = await new ApiKeyStore(db, { roles }).create(opts);
        print(`Created API key ${created.id} (${created.name}, role ${created.role}).`);
        print("Copy it now; it is stored hashed and will not be shown again:");
        print(created.key);
      }),
    );

  keys
    .command("list")
    .description("List API keys (never the keys themselves)")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withDb(async (db) => {
        const all = await new ApiKeyStore(db, { roles }).list();
        if (opts.json) return print(JSON.stringify(all, null, 2));
        if (all.length === 0)
          return print("No API keys. Create one with `keys create --role <role> --name <name>`.");
        print(["ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATUS"].join("\t"));
        for (const k of all) {
          const status = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
          print([k.id, k.name, k.role, k.createdAt, k.lastUsedAt ?? "never", status].join("\t"));
        }
      }),
    );

  keys
    .command("revoke <id>")
    .description("Revoke an API key; takes effect on its next request")
    .action((id: string, _opts: unknown, cmd: Command) =>
      withDb(async (db) => {
        if (await new ApiKeyStore(db, { roles }).revoke(id)) return print(`Revoked API key ${id}.`);
        cmd.error(`No active API key with id ${id} (see \`keys list\`).`, { exitCode: 1 });
      }),
    );

  keys
    .command("rotate-master")
    .description("Rewrap every stored credential with a new master key (REVOPS_NEW_MASTER_KEY or --key-file)")
    .option("--key-file <path>", "file holding the new master key (base64 or 32 raw bytes)")
    .action((opts: { keyFile?: string }, cmd: Command) => {
      const inline = env.REVOPS_NEW_MASTER_KEY;
      if (!opts.keyFile && !inline) {
        cmd.error("Give the new master key in REVOPS_NEW_MASTER_KEY or with --key-file.", { exitCode: 1 });
      }
      const next = opts.keyFile
        ? readMasterKeyFile(opts.keyFile)
        : parseMasterKey(inline ?? "", "REVOPS_NEW_MASTER_KEY");
      const ring = loadMasterKeys(env);
      return withDb(async (db) => {
        const result = await new CredentialVault(db, ring).rotateMaster(next);
        print(
          `Rewrapped ${result.rewrapped} credential(s) with master key ${next.version}; ${result.remaining} remaining.`,
        );
        print(
          `Next: set REVOPS_MASTER_KEY to the new key and keep the old one in REVOPS_MASTER_KEY_PREVIOUS until every replica has restarted${result.remaining ? ", then run rotate-master again" : ""}.`,
        );
      });
    });

  return keys;
}
