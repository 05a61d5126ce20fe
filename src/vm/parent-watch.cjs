// Preloaded (node -r) into every board VM process that src/vm/launcher.ts starts: the VM ends with
// its host. The host holds the write end of this process's stdin pipe; when the host goes away for
// any reason (also SIGKILL), the pipe closes and this process sees its end. The VM's working folder
// is removed on the way out when the host made it for the VM (NA64_VM_OWNED_DIR), so no temporary
// folder survives an interrupted run either.
"use strict";
const { rmSync } = require("node:fs");

const owned = process.env.NA64_VM_OWNED_DIR;
let leaving = false;
function leave(code) {
  if (leaving) return;
  leaving = true;
  if (owned) {
    try {
      rmSync(owned, { recursive: true, force: true });
    } catch {
      // nothing more to do on the way out
    }
  }
  process.exit(code);
}

process.stdin.on("end", () => leave(0));
process.stdin.on("close", () => leave(0));
process.stdin.on("error", () => leave(0));
process.stdin.resume();
// Output to a host that is gone fails (EPIPE) before stdin's end may be seen: that is the same news.
process.stdout.on("error", () => leave(0));
process.stderr.on("error", () => leave(0));
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => leave(1));
