// The slice of pg-copy-streams (pure JS, no bundled types) the store uses: COPY … FROM STDIN as a Writable.
declare module "pg-copy-streams" {
  import type { Writable } from "node:stream";
  export interface CopyFromStream extends Writable {
    /** Rows the server reports after the stream finished. */
    rowCount: number;
    /** How pg hands the stream its connection (a pg "submittable"). */
    submit(connection: unknown): void;
  }
  export function from(text: string): CopyFromStream;
}
