/** Apollo's mask on search results: the first two letters of the last name and its last one ("Gi***s"). */
export const maskLastName = (last: string): string | null =>
  last ? `${last.slice(0, 2)}***${last.slice(-1)}` : null;
