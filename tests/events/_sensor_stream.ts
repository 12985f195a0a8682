/**
 * Raw sensor events for the shared-queue test and the events benchmark: realistic `CbEventMsg`
 * messages of five kinds (process start, module load, file, registry and network), numbered in
 * `header.eventid`, published to a shared durable queue through the `api.events` exchange.
 *
 * @module
 */

import amqp from "amqplib";
import { Buffer } from "node:buffer";
import { encodeSensorEvent, EventRegistry, RabbitMqEventSource } from "@cbapi/cbapi/events";

const MD5 = "5a18f00ab9330ac7539675f3f326cf11";
const SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * One realistic raw sensor event.
 *
 * @param id The number put in `header.eventid`.
 * @returns The routing key and the protobuf bytes.
 */
export function sensorEvent(id: number): { key: string; body: Uint8Array } {
  const header = {
    version: 4,
    eventid: id,
    timestamp: String(133_000_000_000_000_000n + BigInt(id)),
    process_guid: String(-2211398595607011599n + BigInt(id)),
    process_create_time: "133000000000000000",
    process_pid: 4000 + (id % 1000),
    process_md5: MD5,
    process_sha256: SHA256,
    process_path: "c:\\windows\\system32\\svchost.exe",
  };
  const env = { endpoint: { SensorId: 1 + (id % 50), SensorHostName: "WIN-IA9NQ1GN8OI" } };
  switch (id % 5) {
    case 0:
      return {
        key: "ingress.event.procstart",
        body: encodeSensorEvent({
          header,
          env,
          process: {
            pid: 4000 + (id % 1000),
            created: true,
            parent_pid: 612,
            parent_create_time: "132999999999999999",
            md5hash: MD5,
            commandline: "c:\\windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
            parent_path: "c:\\windows\\system32\\services.exe",
            username: "NT AUTHORITY\\SYSTEM",
            sha256hash: SHA256,
          },
        }),
      };
    case 1:
      return {
        key: "ingress.event.moduleload",
        body: encodeSensorEvent({
          header,
          env,
          strings: [{
            guid: "-17",
            utf8string: "c:\\windows\\system32\\kernelbase.dll",
            string_type: "typeFilepath",
          }],
          modload: {
            guid: String(id),
            handlepath_string_guid: "-17",
            md5hash: MD5,
            image_base: "140703128616960",
            image_size: 2801664,
            sha256hash: SHA256,
          },
        }),
      };
    case 2:
      return {
        key: "ingress.event.filemod",
        body: encodeSensorEvent({
          header,
          env,
          strings: [{
            guid: "-18",
            utf8string: "c:\\users\\admin\\appdata\\local\\temp\\evil.exe",
            string_type: "typeFilepath",
          }],
          filemod: { guid: String(id), action: "actionFileModWrite", md5hash: MD5, type: 1 },
        }),
      };
    case 3:
      return {
        key: "ingress.event.regmod",
        body: encodeSensorEvent({
          header,
          env,
          regmod: {
            guid: String(id),
            action: "actionRegModWriteValue",
            utf8_regpath:
              "\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\evil",
          },
        }),
      };
    default:
      return {
        key: "ingress.event.netconn",
        body: encodeSensorEvent({
          header,
          env,
          network: {
            guid: String(id),
            ipv4Address: 3232235777,
            port: 443,
            protocol: "ProtoTcp",
            utf8_netpath: "www.example.com",
            outbound: true,
            remoteIpAddress: 3232235777,
            remotePort: 443,
            localIpAddress: 167772161,
            localPort: 50000 + (id % 10000),
          },
        }),
      };
  }
}

/**
 * Declares the shared durable queue (or queues) as `RabbitMqEventSource` with `sharedQueue` and
 * `queues` does (it is that source, started and closed before anything is published, bound to
 * every raw sensor event), and publishes `count` numbered events with publisher confirms,
 * persistent unless told otherwise.
 *
 * @param url The broker URL (`amqp://guest:guest@127.0.0.1:PORT`).
 * @param queue The shared queue name.
 * @param count How many events.
 * @param options The first event number, how many queues the consumers spread over, and
 * whether the messages are persistent (written to the broker's disk; the default).
 */
export async function publishSensorEvents(
  url: string,
  queue: string,
  count: number,
  options: { from?: number; queues?: number; persistent?: boolean } = {},
): Promise<void> {
  const from = options.from ?? 0;
  const broker = new URL(url);
  const registry = new EventRegistry();
  registry.on("ingress.event.#", () => {});
  const api = { url: "https://cb.invalid", connection: { credentials: undefined } };
  const layout = new RabbitMqEventSource(api, {
    registry,
    user: decodeURIComponent(broker.username),
    password: decodeURIComponent(broker.password),
    host: broker.hostname,
    port: Number(broker.port),
    sharedQueue: queue,
    queues: options.queues ?? 1,
  });
  await layout.start();
  await layout.close();
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    const props = { persistent: options.persistent ?? true, contentType: "application/protobuf" };
    for (let id = from; id < from + count; id++) {
      const { key, body } = sensorEvent(id);
      if (!ch.publish("api.events", key, Buffer.from(body), props)) {
        await new Promise((r) => ch.once("drain", r));
      }
    }
    await ch.waitForConfirms();
    await ch.close();
  } finally {
    await conn.close();
  }
}
