// The folder run files go to, checked before a run starts anything: a run that fails only when
// its file is opened has already configured boards and booted VMs for nothing.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { RunFolderError, RunNumberError } from "./errors";

/** The file name of run `runNumber`: run-000042.na64. */
export function runFileName(runNumber: number): string {
  return `run-${String(runNumber).padStart(6, "0")}.na64`;
}

/**
 * `dir` is a writable folder, or can be created as one (its nearest existing ancestor is a writable
 * folder), and holds no run `runNumber` yet when one is given. Creates nothing; throws
 * RunFolderError or RunNumberError.
 */
export function checkRunFolder(dir: string, runNumber?: number): void {
  const target = resolve(dir);
  let p = target;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const where = p === target ? "it" : p;
  if (!statSync(p).isDirectory()) throw new RunFolderError(dir, `${where} is a file, not a folder for run files`);
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new RunFolderError(dir, `${where} is not writable`);
  }
  if (runNumber !== undefined && existsSync(join(target, runFileName(runNumber))))
    throw new RunNumberError(runNumber, `${join(dir, runFileName(runNumber))} exists: a run file is never overwritten (choose another --run, or leave it out for the next free number)`);
}
