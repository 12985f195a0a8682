/**
 * A short hunt against the embedded Carbon Black emulator: no server, no credentials needed.
 *
 * It finds the `net.exe` commands that mounted the `\\test\blah` share, walks each one's parent
 * processes up to the kernel, counts the processes of the host by name (facets), and reads the
 * header of a binary straight from the server's ZIP download.
 *
 * Run it with `deno task demo` (or `npx -y deno task demo` on a machine with only Node).
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary, CbResponseAPI, Process } from "@cbapi/cbapi/response";
import type { Logger } from "@cbapi/cbapi/core";
import { CbEmulator } from "@cbapi/cbapi/testing";

function when(date: Date | undefined): string {
  // Process times are the sensor's wall clock, carried in the Date's UTC fields.
  return date ? date.toISOString().replace("T", " ").replace("Z", "") : "(unknown time)";
}

function hexdump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join(
      "",
    );
    lines.push(`  ${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${text}`);
  }
  return lines;
}

async function readHead(stream: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const out = new Uint8Array(size);
  let filled = 0;
  try {
    while (filled < size) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(size - filled, value.byteLength);
      out.set(value.subarray(0, take), filled);
      filled += take;
    }
  } finally {
    await reader.cancel();
  }
  return out.subarray(0, filled);
}

/**
 * Runs the demo hunt and prints what a responder wants to read.
 *
 * @param options `verbose` prints every HTTP request as the library logs it.
 */
export async function main(options: { verbose?: boolean } = {}): Promise<void> {
  await using emu = await CbEmulator.start({ tls: true, seed: 1 });
  const logger: Logger | undefined = options.verbose
    ? { debug: (m) => console.log(`    ${m}`), warn: (m) => console.error(m) }
    : undefined;
  await using cb = await CbResponseAPI.connect({
    url: emu.url,
    token: emu.token,
    sslCertFile: emu.certFile!,
    ...(logger ? { logger } : {}),
  });
  console.log(
    `Connected to Cb Response ${cb.serverVersion} at ${cb.url} (the embedded emulator, TLS pinned)\n`,
  );

  console.log(String.raw`== Who mounted \\test\blah with net.exe, and how did they get there?`);
  const query = cb.select(Process)
    .where("process_name:net.exe")
    .and(String.raw`cmdline:\\test\blah`)
    .groupBy("id");
  let shown = 0;
  for await (const proc of query) {
    const sensor = await proc.sensor();
    const group = await sensor?.group();
    console.log(
      `\n${when(proc.start)}  ${proc.username} ran ${proc.cmdline}` +
        `\n  on host ${sensor?.hostname ?? proc.hostname} (sensor ${proc.sensor_id}, group ${
          group?.name ?? "?"
        })`,
    );
    console.log("  parent chain:");
    await proc.walkParents((parent, depth) => {
      console.log(
        `  ${" ".repeat(depth)}<- ${when(parent.start)}  ${
          parent.username || "(no user)"
        } ran ${parent.cmdline}`,
      );
    });
    shown++;
  }
  const before = emu.requests.length;
  for await (const proc of query) await proc.walkParents(() => {});
  console.log(
    `\n${shown} matching processes. Walking their parents a second time took ${
      emu.requests.length - before - 1
    } more requests beyond the search itself (the object cache answered).`,
  );

  const host = "WIN-IA9NQ1GN8OI";
  console.log(`\n== What runs on ${host}? (facets of process_name)`);
  const facets = await cb.select(Process).where(`hostname:${host}`).facets(
    "process_name",
    "username",
  );
  for (const entry of facets.process_name ?? []) {
    const bar = "\u25A0".repeat(Math.max(1, Math.round(entry.percent / 4)));
    console.log(
      `  ${entry.name.slice(0, 18).padStart(18)}: ${String(entry.ratio).padStart(5)}% ${bar}`,
    );
  }
  const users = (facets.username ?? []).map((u) => `${u.name} (${u.value})`).join(", ");
  console.log(`  users: ${users}`);

  console.log("\n== The binary behind notepad.exe, read from the server's ZIP as it streams");
  const binary = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  const freq = await binary.frequency();
  console.log(
    `  ${binary.md5sum}  ${binary.original_filename}  ${binary.size} bytes, ` +
      `${
        binary.signed ? `signed by ${binary.digsig_publisher}` : "UNSIGNED"
      }, seen on ${freq.computer_count} host(s)`,
  );
  const head = await readHead(await binary.file(), 64);
  for (const line of hexdump(head)) console.log(line);
  console.log(
    `  starts with "${new TextDecoder().decode(head.subarray(0, 2))}": ${
      head[0] === 0x4d && head[1] === 0x5a ? "a Windows PE image" : "not a PE image"
    }`,
  );
  console.log(`\nDone: ${emu.requests.length} HTTP requests in all.`);
}

if (import.meta.main) {
  await main({ verbose: Deno.args.includes("--verbose") });
}
