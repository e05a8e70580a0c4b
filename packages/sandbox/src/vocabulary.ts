/**
 * A model union as a run-time list: `everyOf<RecordType>()(["deal", …])` fails to compile when the list names a
 * value the union lacks or leaves one out, so `@revops/model` stays the one place a vocabulary is defined.
 */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([T] extends [L[number]] ? unknown : "lists every member of the union"),
  ): L =>
    list;
