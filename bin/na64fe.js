#!/usr/bin/env node
// na64fe: runs the compiled CLI (dist/cli/na64fe.mjs, built at install and rebuilt when a source
// is newer; see compiled.mjs).
import { loadMain } from "./compiled.mjs";

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
