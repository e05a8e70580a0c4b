/** One saved lead-scoring model version: the model as the marketing app serialised it, and who saved it. */
export interface SavedLeadScoringModel {
  version: number;
  model: Record<string, unknown>;
  principal: string;
  createdAt: string;
}
