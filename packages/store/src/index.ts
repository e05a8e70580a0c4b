export { openKv } from "./kv";
export { migrate } from "./migrate";
export { redisClientOf } from "./redis-client";
export { openSql } from "./sql";
export type {
  BulkWriter,
  Dialect,
  KeyValue,
  Migration,
  OpenKvOptions,
  OpenSqlOptions,
  Row,
  SqlDb,
  TransactionOptions,
} from "./types";
