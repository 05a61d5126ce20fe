#!/usr/bin/env node
// na64fe: runs the TypeScript CLI (src/cli/main.ts) through tsx's API, without a build step.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("../src/cli/main.ts", import.meta.url);
process.exitCode = await main(process.argv.slice(2));
