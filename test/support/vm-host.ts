// A throwaway DAQ host for test/firmware/vm-lifetime.test.ts: starts one board VM (its DAQ host
// port points nowhere, so it keeps retrying) and prints the VM's pid and folder, then waits to be
// killed like a crashed host. The Jacdac bus is the test's (this process must not own it: other
// VMs on the machine share it, and this process is killed).
import { VmBoard } from "../../src/vm/launcher";
import { imagePath } from "../../src/firmware/images";

const vm = new VmBoard({ image: imagePath("calorimeter"), boardId: 9, hostPort: 1 });
process.stdout.write(JSON.stringify({ pid: vm.pid, dir: vm.dir }) + "\n");
setInterval(() => undefined, 1000);
