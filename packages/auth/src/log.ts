export type AuthLogLevel = "debug" | "info" | "warn" | "error";

/** Logger callback; adapt pino with `(level, msg, fields) => log[level](fields ?? {}, msg)`. */
export type AuthLog = (level: AuthLogLevel, message: string, fields?: Record<string, unknown>) => void;

export const silentLog: AuthLog = () => undefined;
