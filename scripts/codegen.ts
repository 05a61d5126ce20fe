// `npm run codegen`: every generated file of the repository, from its one source:
//   protocol/generated/*.ts and protocol/README.md's tables   from the schemas (protocol/codegen)
//   src/runfile/README.md's tables                            from the run-file code (src/runfile/readme-tables.ts)
// `--check` exits 1 and names the stale files; a test makes the same check.
import { generatedFiles } from "../protocol/codegen/generate";
import { isMain, writeOrCheck } from "../protocol/codegen/output";
import { runfileReadme } from "../src/runfile/readme-tables";

export const REGENERATE = "npm run codegen";

export function allGeneratedFiles(): Record<string, string> {
  return { ...generatedFiles(), ...runfileReadme() };
}

if (isMain(import.meta.url)) writeOrCheck(allGeneratedFiles(), process.argv, REGENERATE);
