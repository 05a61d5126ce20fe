// --live [port] and --live-host <address> of `na64fe bench` and `na64fe record`: the live page of
// the run (src/live), on loopback unless asked, with a warning when asked otherwise.
import { Command, InvalidArgumentError, Option } from "commander";
import { LiveServer, liveBindWarning } from "../live/server";
import { hostOption, portOption } from "./number-option";
import type { Out } from "./output";

export const DEFAULT_LIVE_PORT = 6480;

export interface LiveCliOpts {
  live?: number | true;
  liveHost: string;
}

function livePort(v: string): number {
  try {
    return portOption("--live")(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function addLiveOptions(c: Command): Command {
  return c
    .addOption(new Option("--live [port]", `serve a live page of the run at http://127.0.0.1:PORT/ while it runs (default port ${DEFAULT_LIVE_PORT}; 0 = any free port)`).argParser(livePort))
    .addOption(new Option("--live-host <address>", "address the live page is served on (anything but loopback serves it to the network: a warning says so)").argParser(hostOption("--live-host")).default("127.0.0.1"));
}

/** Start the live page when asked (before the run: a busy port is refused before anything starts). */
export async function startLive(out: Out, o: LiveCliOpts): Promise<LiveServer | undefined> {
  if (o.live === undefined) return undefined;
  const warning = liveBindWarning(o.liveHost);
  if (warning) out.warn(warning);
  const live = await LiveServer.start({ port: o.live === true ? DEFAULT_LIVE_PORT : o.live, host: o.liveHost });
  out.status(`live page: ${live.url}`);
  return live;
}

/** After the run: the page gets the final state, then the server stops. */
export async function stopLive(live: LiveServer | undefined): Promise<void> {
  if (!live) return;
  live.end();
  await live.close();
}
