// Board VMs end with their host and leave no temporary folder behind, on every exit path: stopped,
// failed run, host killed (issue 11, defects 7 and 11).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { JacdacBus, PROJECT_ROOT, VmBoard } from "../../src/vm/launcher";
import { ensureFirmware, imagePath } from "../../src/firmware/images";
import { runBench } from "../../src/bench/run";

let bus: JacdacBus;
const systemTmp = tmpdir();
/** The temporary folder of this file's VMs (TMPDIR), to see exactly what they leave. */
const tmp = mkdtempSync(join(systemTmp, "na64-lifetime-"));

beforeAll(async () => {
  await ensureFirmware(["calorimeter", "trigger", "veto"]);
  bus = await JacdacBus.start();
  process.env.TMPDIR = tmp;
}, 120_000);

afterAll(async () => {
  process.env.TMPDIR = systemTmp;
  await bus?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const boardDirs = () => readdirSync(tmp).filter((d) => d.startsWith("na64-board-"));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("board VMs and their folders", () => {
  it("a stopped VM removes the temporary folder it made; a reboot keeps it (the board's flash)", async () => {
    const vm = new VmBoard({ image: imagePath("calorimeter"), boardId: 9, hostPort: 1, bus });
    expect(vm.dir.startsWith(tmp)).toBe(true);
    expect(boardDirs()).toEqual([vm.dir.slice(tmp.length + 1)]);
    await until(() => existsSync(join(vm.dir, ".devicescript", "flash", "sim.bin")), "the VM's flash");
    await vm.reboot();
    expect(vm.running).toBe(true);
    expect(existsSync(join(vm.dir, ".devicescript", "flash", "sim.bin"))).toBe(true);
    await vm.kill();
    expect(boardDirs()).toEqual([]);
  });

  it("a failed bench run leaves no VM and no folder", async () => {
    const err = await runBench({ intensity: 0.01, timeoutMs: 100 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no HELLO within 100 ms/);
    expect(boardDirs()).toEqual([]);
  });

  it("VMs end with a host that is killed (SIGKILL), and take their folder with them", async () => {
    const host = spawn(process.execPath, ["--import", "tsx", join("test", "support", "vm-host.ts")], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TMPDIR: tmp } });
    const line = await new Promise<string>((resolve) => createInterface({ input: host.stdout! }).once("line", resolve));
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    await until(() => existsSync(join(dir, ".devicescript", "flash", "sim.bin")), "the VM to run");
    expect(alive(pid)).toBe(true);
    host.kill("SIGKILL");
    await until(() => !alive(pid), "the VM to end after its host");
    await until(() => !existsSync(dir), "the VM's folder to go");
    expect(boardDirs()).toEqual([]);
  });
});
