// examples/events/netconn_summary.ts against a real RabbitMQ broker (Debian's rabbitmq-server)
// and the emulator for the REST side.

// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { encodeSensorEvent } from "@cbapi/cbapi/events";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { ipv4, main } from "../../examples/events/netconn_summary.ts";
import { startBroker } from "./_broker.ts";

function netconn(host: string, name: string, address: number, port: number, outbound = true) {
  return encodeSensorEvent({
    header: { version: 4 },
    env: { endpoint: { SensorId: 3, SensorHostName: host } },
    network: {
      remoteIpAddress: address,
      remotePort: port,
      utf8_netpath: name,
      outbound,
      protocol: "ProtoTcp",
    },
  });
}

async function capture(run: (printed: string[]) => Promise<number>) {
  const log = console.log;
  const printed: string[] = [];
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    return { code: await run(printed), printed };
  } finally {
    console.log = log;
  }
}

Deno.test("ipv4 writes a uint32 most significant byte first", () => {
  assert.equal(ipv4(3232235777), "192.168.1.1");
  assert.equal(ipv4(0xffffffff), "255.255.255.255");
  assert.equal(ipv4(167772161), "10.0.0.1");
});

Deno.test("examples/events/netconn_summary.ts counts raw netconn events per host and destination, spread over two queues [spec 314]", async () => {
  await using emu = await CbEmulator.start();
  await using broker = await startBroker();
  const { code, printed } = await capture(async (printed) => {
    const run = main([
      "--cburl",
      emu.url,
      "--apitoken",
      emu.token,
      "--rabbitmq-host",
      "127.0.0.1",
      "--rabbitmq-port",
      String(broker.port),
      "--rabbitmq-user",
      "guest",
      "--rabbitmq-pass",
      "guest",
      "--queues",
      "2",
      "--max-events",
      "6",
      "--top",
      "3",
      "--duration-ms",
      "60000",
    ]);
    const until = Date.now() + 30_000;
    while (!printed.some((l) => l.startsWith("Counting netconn events"))) {
      if (Date.now() > until) throw new Error("the example did not start");
      await new Promise((r) => setTimeout(r, 10));
    }
    const key = "ingress.event.netconn";
    const ct = { contentType: "application/protobuf" };
    for (let i = 0; i < 3; i++) {
      await broker.publish(key, netconn("WIN-A", "evil.example.com", 3232235777, 443), ct);
    }
    await broker.publish(key, netconn("WIN-B", "", 167772161, 445), ct);
    await broker.publish(key, netconn("WIN-B", "", 167772161, 445), ct);
    await broker.publish(key, netconn("WIN-A", "", 167772161, 3389, false), ct);
    // Not a netconn: not bound, not counted.
    await broker.publish("ingress.event.regmod", encodeSensorEvent({ header: { version: 4 } }), ct);
    return await run;
  });
  assert.equal(code, 0);
  assert.match(printed.find((l) => l.startsWith("Counting"))!, /cbapi-event-handler-.*\.1of2, /);
  assert.equal(
    printed.at(-1),
    [
      "6 netconn events; top 3 host/destination pairs:",
      "       3  WIN-A  -> evil.example.com:443",
      "       2  WIN-B  -> 10.0.0.1:445",
      "       1  WIN-A  <- 10.0.0.1:3389",
    ].join("\n"),
  );
});

Deno.test("examples/events/netconn_summary.ts refuses a bad number with its usage", async () => {
  const error = console.error;
  const said: string[] = [];
  console.error = (...args: unknown[]) => said.push(args.join(" "));
  try {
    assert.equal(await main(["--queues", "0"]), 2);
  } finally {
    console.error = error;
  }
  assert.match(said.join("\n"), /--queues takes a positive integer, not "0"/);
  assert.match(said.join("\n"), /Usage: netconn_summary\.ts/);
});
