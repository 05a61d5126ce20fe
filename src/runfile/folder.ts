// The folder run files go to, checked before a run starts anything: a run that fails only when
// its file is opened has already configured boards and booted VMs for nothing.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { RunFolderError } from "./errors";

/**
 * `dir` is a writable folder, or can be created as one (its nearest existing ancestor is a writable
 * folder). Creates nothing; throws RunFolderError.
 */
export function checkRunFolder(dir: string): void {
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
}
