// Turns the first zod issue of a failed parse into the dotted path and value our typed errors
// carry. An unknown key is reported at its own path (zod puts it at the parent).
import type { z } from "zod";

export interface FirstIssue {
  path: string;
  value: unknown;
  message: string;
}

export function firstIssue(error: z.ZodError, input: unknown): FirstIssue {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  let message = issue.message;
  if (issue.code === "unrecognized_keys" && issue.keys.length) {
    path.push(issue.keys[0]!);
    message = "unknown key";
  }
  let value: unknown = input;
  for (const p of path) value = (value as Record<string, unknown> | undefined)?.[p];
  return { path: path.join("."), value, message };
}
