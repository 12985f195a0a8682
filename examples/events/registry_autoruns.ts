/**
 * Watches the event bus for registry modifications of autorun keys and, for each, reads the new
 * value from the endpoint with a Live Response job.
 * A port of the Python example `examples/response/event/get_reg_autoruns.py`.
 *
 * Needs the server's RabbitMQ credentials (`rabbitmq_user`, `rabbitmq_pass`, `rabbitmq_host`,
 * `rabbitmq_port`) in the credential profile.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env --allow-sys examples/events/registry_autoruns.ts --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs } from "node:util";
import {
  type EventHandler,
  onEvent,
  RabbitMqEventSource,
  registry,
  type SensorEvent,
} from "@cbapi/cbapi/events";
import { CbResponseAPI } from "@cbapi/cbapi/response";

const AUTORUN_KEYS = [
  String.raw`\registry\machine\system\currentcontrolset\control\session manager\bootexecute`,
  String.raw`\registry\machine\system\currentcontrolset\services`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\runservicesonce`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\runservices`,
  String.raw`\registry\machine\software\microsoft\windows nt\currentversion\winlogon\notify`,
  String.raw`\registry\machine\software\microsoft\windows nt\currentversion\winlogon\userinit`,
  String.raw`\registry\machine\software\microsoft\windows nt\currentversion\winlogon\shell`,
  String
    .raw`\registry\machine\software\microsoft\windows\currentversion\shellserviceobjectdelayload`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\runonce`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\runonceex`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\run`,
  String.raw`\registry\machine\software\microsoft\windows\currentversion\policies\explorer\run`,
  String.raw`\registry\machine\software\microsoft\windows nt\currentversion\windows`,
  String
    .raw`\registry\machine\software\microsoft\windows\currentversion\explorer\sharedtaskscheduler`,
  String.raw`\registry\machine\software\microsoft\windows nt\currentversion\windows\appinit_dlls`,
];
const USER_AUTORUN_KEYS = [
  String.raw`\software\microsoft\windows\currentversion\runservicesonce`,
  String.raw`\software\microsoft\windows\currentversion\runservices`,
  String.raw`\software\microsoft\windows nt\currentversion\winlogon\shell`,
  String.raw`\software\microsoft\windows\currentversion\run`,
  String.raw`\software\microsoft\windows\currentversion\runonce`,
  String.raw`\software\microsoft\windows\currentversion\policies\explorer\run`,
  String.raw`\software\microsoft\windows nt\currentversion\windows\load`,
];

/**
 * Whether a regmod path is under an autorun key (case-insensitive prefix, like the Python regex).
 *
 * @param path The `utf8_regpath` of the event.
 * @returns True for autorun keys.
 */
export function isAutorun(path: string): boolean {
  const p = path.toLowerCase();
  if (AUTORUN_KEYS.some((k) => p.startsWith(k))) return true;
  const user = /^\\registry\\user\\[^\\]+(\\.*)$/.exec(p);
  return user !== null && USER_AUTORUN_KEYS.some((k) => user[1]!.startsWith(k));
}

/**
 * Turns a kernel registry path into the form Live Response takes (`HKLM\...`, `HKEY_USERS\...`).
 *
 * @param path The regmod path.
 * @returns The Live Response key path.
 */
export function toLiveResponsePath(path: string): string {
  return path.replace(/^\\registry\\machine\\/i, "HKLM\\").replace(
    /^\\registry\\user\\/i,
    "HKEY_USERS\\",
  )
    .trim();
}

/**
 * On each autorun regmod, submits a job that reads the value from the endpoint.
 *
 * @param cb The API.
 * @param _eventType The routing key.
 * @param eventData The decoded `CbEventMsg`.
 */
export const regmodCallback: EventHandler<CbResponseAPI> = (cb, _eventType, eventData) => {
  const event = eventData as SensorEvent;
  const path = event.regmod?.utf8_regpath ?? "";
  const sensorId = event.env?.endpoint?.SensorId;
  if (!isAutorun(path) || sensorId === undefined) return;
  const key = toLiveResponsePath(path);
  const run = cb.liveResponse.submitJob(async (session) => {
    const info = await session.getRegistryValue(key);
    return [new Date().toISOString(), sensorId, key, info.value_data] as const;
  }, [sensorId]);
  void (async () => {
    for await (const result of run) {
      if (result.ok) console.log(result.value);
      else console.error(`sensor ${result.sensorId}: ${result.error}`);
    }
  })();
};

/**
 * Runs the script until Ctrl-C.
 *
 * @param args Command-line arguments.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { profile: { type: "string" } } });
  await using cb = await CbResponseAPI.connect({ profile: values.profile ?? "default" });
  onEvent("ingress.event.regmod", regmodCallback);
  await using source = new RabbitMqEventSource(cb);
  await source.start();
  console.log("Listening on the event bus for regmods");
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  console.log("Exiting event loop");
  console.log("Encountered the following exceptions during processing:");
  for (const error of registry.errors) console.log(error.exception);
  return 0;
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
