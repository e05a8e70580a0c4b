import { DEFAULT_HEALTH_WEIGHTS, type HealthWeights } from "./domain/health";
import type { CsPorts } from "./ports";

/** The weights every health score uses now (the newest stored version, else the defaults as version 1). */
export async function activeHealthWeights(
  ports: Pick<CsPorts, "healthModel">,
): Promise<{ version: number; weights: HealthWeights }> {
  const [top] = await ports.healthModel.versions(DEFAULT_HEALTH_WEIGHTS);
  return top
    ? { version: top.version, weights: { ...DEFAULT_HEALTH_WEIGHTS, ...top.weights } as HealthWeights }
    : { version: 1, weights: DEFAULT_HEALTH_WEIGHTS };
}
