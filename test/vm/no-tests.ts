// A DeviceScript program that exits cleanly without running a single test: the VM test runner
// must treat it as a failure (test/firmware/vm-smoke.test.ts).
import * as ds from "@devicescript/core"

console.log("this program has no tests")
ds.restart()
