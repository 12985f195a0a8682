// A script for the interrupt tests: connects to the emulator given on the command line, installs
// closeOnSignal(), opens a session on each sensor listed (sharing none), prints "ready" and waits
// to be interrupted.
// deno-lint-ignore-file no-console

import { closeOnSignal } from "@cbapi/cbapi/live-response";
import { CbResponseAPI } from "@cbapi/cbapi/response";

const [url, token, ...sensors] = Deno.args;
const cb = await CbResponseAPI.connect({ url: url!, token: token! });
closeOnSignal(cb, { onSignal: (s) => console.log(`closing on ${s}`) });
cb.liveResponse.configure({ sessionPollIntervalMs: 2, keepaliveSessions: false });
const sessions = await Promise.all(
  sensors.map((id) => cb.liveResponse.requestSession(Number(id))),
);
console.log(`ready ${sessions.length}`);
setInterval(() => {}, 60_000); // keeps the process alive until the signal
