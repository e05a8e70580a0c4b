import { envWithFile, loadConfig, namedEnvironments } from "@revops/kit";
import { z } from "zod";

type Env = Record<string, string | undefined>;

/**
 * Every vendor connection the settings configure, the default one and each named one (HUBSPOT_ACCESS_TOKEN__EU
 * …) with what it does not share, from the environment over the settings files, blanks ignored.
 * Vendor SDKs load only when this runs.
 */
export async function vendorConnectionSets(env: Env) {
  const doctor = await import("@revops/connectors/doctor");
  const read_ = [...doctor.DOCTOR_VARIABLES, ...doctor.VAULT_KEY_VARIABLES];
  const schema = z.object(Object.fromEntries(read_.map((v) => [v, z.string().optional()])));
  const read = (e: Env) => loadConfig(schema, { env: e }) as Env;
  const defaults = doctor.configuredConnections(read(env));
  const named = namedEnvironments(envWithFile(env), doctor.DOCTOR_VARIABLES);
  const sets = [
    defaults,
    ...named.names.map((name) =>
      doctor.namedConnectionsOf(name, doctor.configuredConnections(read(named.env(name))), defaults),
    ),
  ];
  return {
    doctor,
    connections: sets.flatMap((c) => c.connections),
    problems: sets.flatMap((c) => c.problems),
    secrets: sets.flatMap((c) => c.secrets),
  };
}
