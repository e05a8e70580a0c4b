import { z } from "zod";

export const ListIdSchema = z.string().trim().min(1).max(64);
export const SubjectSchema = z.string().trim().min(1).max(200);
export const BodySchema = z.string().trim().min(1).max(100_000).describe("HTML or text");

const EXCERPT = 200;
/** The start of a body, for plans a human reads. */
export const excerptOf = (body: string) => (body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body);
