/**
 * A real RabbitMQ broker for the Event API tests: Debian's `rabbitmq-server`, started on free
 * loopback ports with its own node name, data folder and HOME (all in one temporary folder), and
 * always stopped (broker and its epmd) by `close()`.
 *
 * @module
 */

import amqp from "amqplib";
import { Buffer } from "node:buffer";

/** Where Debian installs the unwrapped server script (the wrapper drops root to `rabbitmq`). */
const RABBIT_LIB_DIR = "/usr/lib/rabbitmq/lib";
/** How long the broker may take to accept AMQP (it usually takes about 7 s). */
const START_TIMEOUT_MS = 60_000;

/** A running broker. */
export interface Broker extends AsyncDisposable {
  /** AMQP port on 127.0.0.1. */
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:port`. */
  readonly url: string;
  /** The temporary folder holding data, logs and HOME. */
  readonly dir: string;
  /** Stops the broker (keeps its data), then starts it again on the same ports. */
  restart(): Promise<void>;
  /** Stops the broker without starting it again (data kept until close()). */
  stop(): Promise<void>;
  /** Starts a stopped broker again. */
  start(): Promise<void>;
  /** Publishes one message to the `api.events` topic exchange. */
  publish(routingKey: string, body: string | Uint8Array, options?: PublishOptions): Promise<void>;
  /** Stops everything and removes the folder. */
  close(): Promise<void>;
}

/** Message properties for {@linkcode Broker.publish}. */
export interface PublishOptions {
  /** AMQP content type. */
  contentType?: string;
  /** Persistent delivery. */
  persistent?: boolean;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const INSTALL_LOCK = "/tmp/cbapi-rabbitmq-install.lock";

/**
 * Installs Debian's rabbitmq-server when it is missing and apt-get is there (as root), so that
 * `deno task test` works on a fresh machine as `.ci/run` does. One test file installs; the others
 * wait for its lock. Bounded: gives up after 10 minutes.
 */
async function installBroker(): Promise<void> {
  if (Deno.build.os !== "linux") return;
  let lock: Deno.FsFile | undefined;
  try {
    lock = await Deno.open(INSTALL_LOCK, { createNew: true, write: true });
  } catch {
    // Another test file is installing: wait for it to finish.
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      try {
        await Deno.stat(INSTALL_LOCK);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return;
  }
  try {
    const run = async (args: string[]) => {
      const out = await new Deno.Command("apt-get", {
        args,
        env: { DEBIAN_FRONTEND: "noninteractive" },
        stdout: "null",
        stderr: "null",
      }).output().catch(() => undefined);
      return out?.success ?? false;
    };
    if (await run(["update", "-qq"])) {
      await run(["install", "-y", "-qq", "--no-install-recommends", "rabbitmq-server"]);
    }
  } finally {
    lock.close();
    await Deno.remove(INSTALL_LOCK).catch(() => {});
  }
}

async function findServerScript(): Promise<string | undefined> {
  let found: string | undefined;
  try {
    for await (const entry of Deno.readDir(RABBIT_LIB_DIR)) {
      if (entry.isDirectory && entry.name.startsWith("rabbitmq_server-")) {
        found = `${RABBIT_LIB_DIR}/${entry.name}/sbin/rabbitmq-server`;
      }
    }
  } catch {
    // handled below
  }
  return found;
}

async function serverScript(): Promise<string> {
  let found = await findServerScript();
  if (!found) {
    await installBroker();
    found = await findServerScript();
  }
  if (!found) {
    throw new Error(
      `Cannot find the RabbitMQ server under ${RABBIT_LIB_DIR} and could not install it: run ` +
        `"apt-get install -y --no-install-recommends rabbitmq-server" as root (.ci/run does this)`,
    );
  }
  return found;
}

async function canConnect(url: string): Promise<boolean> {
  try {
    const conn = await amqp.connect(url);
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a broker in a fresh temporary folder and waits until it accepts AMQP.
 *
 * @returns The running broker.
 */
export async function startBroker(): Promise<Broker> {
  const script = await serverScript();
  const dir = await Deno.makeTempDir({ prefix: "cbapi-rabbit-" });
  const port = freePort();
  const distPort = freePort();
  const epmdPort = freePort();
  const node = `cbapi${port}@localhost`;
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_MNESIA_BASE: `${dir}/mnesia`,
    RABBITMQ_LOG_BASE: `${dir}/log`,
    RABBITMQ_FEATURE_FLAGS_FILE: `${dir}/feature_flags`,
    RABBITMQ_ENABLED_PLUGINS_FILE: `${dir}/enabled_plugins`,
    RABBITMQ_CONFIG_FILE: `${dir}/rabbitmq`,
    RABBITMQ_ADVANCED_CONFIG_FILE: `${dir}/advanced.config`,
    RABBITMQ_CONF_ENV_FILE: `${dir}/rabbitmq-env.conf`,
    RABBITMQ_PID_FILE: `${dir}/rabbit.pid`,
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  let watchdog: { process: Deno.ChildProcess; stdin: WritableStreamDefaultWriter } | undefined;

  async function start(): Promise<void> {
    // Output goes to the broker's own log files under RABBITMQ_LOG_BASE; pipes would be inherited
    // by the epmd daemon and never close.
    child = new Deno.Command(script, {
      env,
      clearEnv: true,
      cwd: dir,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    watchdog = startWatchdog(child.pid);
    const started = Date.now();
    while (!(await canConnect(url))) {
      if (Date.now() - started > START_TIMEOUT_MS) {
        await stopChild();
        throw new Error(
          `RabbitMQ did not accept AMQP on port ${port} in time (logs in ${dir}/log)`,
        );
      }
      await sleep(250);
    }
  }

  /**
   * A shell that outlives this process: when this process ends without stopping the broker (a
   * crash, a test run killed), its stdin reaches EOF and it stops the broker, its epmd and the
   * folder; a normal stop tells it "stop" first.
   */
  function startWatchdog(pid: number) {
    const script = 'read line; [ "$line" = stop ] && exit 0; kill -TERM "$1" 2>/dev/null; ' +
      'while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; ' +
      'epmd -port "$2" -kill >/dev/null 2>&1; rm -rf "$3"';
    const process = new Deno.Command("sh", {
      args: ["-c", script, "sh", String(pid), String(epmdPort), dir],
      env: { PATH: env.PATH!, ERL_EPMD_PORT: String(epmdPort) },
      clearEnv: true,
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return { process, stdin: process.stdin.getWriter() };
  }

  async function stopWatchdog(): Promise<void> {
    const w = watchdog;
    watchdog = undefined;
    if (!w) return;
    await w.stdin.write(new TextEncoder().encode("stop\n")).catch(() => {});
    await w.stdin.close().catch(() => {});
    await w.process.status;
  }

  async function stopChild(): Promise<void> {
    await stopWatchdog();
    const c = child;
    child = undefined;
    if (!c) return;
    try {
      c.kill("SIGTERM");
    } catch {
      // already gone
    }
    await c.status;
  }

  async function stop(): Promise<void> {
    await stopChild();
  }

  async function killEpmd(): Promise<void> {
    const out = await new Deno.Command("epmd", {
      args: ["-port", String(epmdPort), "-kill"],
      env: { PATH: env.PATH! },
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).output().catch(() => undefined);
    void out;
  }

  await start();

  async function close(): Promise<void> {
    await stop();
    await killEpmd();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  return {
    port,
    url,
    dir,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async publish(routingKey, body, options = {}) {
      const conn = await amqp.connect(url);
      try {
        const ch = await conn.createConfirmChannel();
        await ch.assertExchange("api.events", "topic", { durable: true, autoDelete: false });
        const props: Record<string, unknown> = {};
        if (options.contentType) props.contentType = options.contentType;
        if (options.persistent) props.persistent = true;
        ch.publish("api.events", routingKey, Buffer.from(body), props);
        await ch.waitForConfirms();
        await ch.close();
      } finally {
        await conn.close();
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
