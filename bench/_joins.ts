/**
 * The join benchmark: runs the documentation's walk-parents example and its "joining everything
 * together" example (each on a fresh connection, as a script would), and counts the requests the
 * emulator received against the distinct objects the examples' code was handed.
 *
 * @module
 */
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import type { CbEmulator } from "@cbapi/cbapi/testing";

/** What one example cost. */
export interface JoinExampleResult {
  /** Requests the emulator received after connecting. */
  requests: number;
  /** Distinct objects (by kind and id) the example's code read. */
  objects: number;
  /** The request lines, for the report. */
  urls: string[];
  /** Lines the example printed (kept to check it really ran). */
  lines: number;
}

type Details = (proc: Process, depth: number) => Promise<void>;

async function runExample(
  emu: CbEmulator,
  makeDetails: (cb: CbResponseAPI, touched: Set<string>, out: string[]) => Details,
): Promise<JoinExampleResult> {
  await using cb = await CbResponseAPI.connect(
    emu.certFile
      ? { url: emu.url, token: emu.token, sslCertFile: emu.certFile }
      : { url: emu.url, token: emu.token },
  );
  const before = emu.requests.length;
  const touched = new Set<string>();
  const out: string[] = [];
  const details = makeDetails(cb, touched, out);
  const query = cb.select(Process).where("process_name:net.exe").and(
    String.raw`cmdline:\\test\blah`,
  )
    .groupBy("id");
  for await (const proc of query) {
    await details(proc, 0);
    await proc.walkParents(details);
  }
  const sent = emu.requests.slice(before);
  return {
    requests: sent.length,
    objects: touched.size,
    urls: sent.map((r) => `${r.method} ${r.url}`),
    lines: out.length,
  };
}

/**
 * The docs' walk-parents example: print each net.exe process and walk up its parents.
 *
 * @param emu The emulator (its request log is read).
 * @returns Requests and objects.
 */
export function walkParentsExample(emu: CbEmulator): Promise<JoinExampleResult> {
  return runExample(emu, (_cb, touched, out) => (proc, depth) => {
    touched.add(`process:${proc.id}`);
    out.push(
      `${" ".repeat(depth)}${proc.start?.toISOString()}: ${proc.username} ran ${proc.cmdline}`,
    );
    return Promise.resolve();
  });
}

/**
 * The docs' "joining everything together" example: for each process and parent, its sensor, the
 * sensor's group and the executable's binary with its signature.
 *
 * @param emu The emulator (its request log is read).
 * @returns Requests and objects.
 */
export function joinEverythingExample(emu: CbEmulator): Promise<JoinExampleResult> {
  return runExample(emu, (_cb, touched, out) => async (proc, _depth) => {
    touched.add(`process:${proc.id}`);
    const sensor = await proc.sensor();
    if (sensor) touched.add(`sensor:${sensor.id}`);
    const group = await sensor?.group();
    if (group) touched.add(`group:${group.id}`);
    out.push(`On host ${proc.hostname} (part of sensor group ${group?.name}):`);
    out.push(
      `- At ${proc.start?.toISOString()}, process ${proc.cmdline} was executed by ${proc.username}`,
    );
    const binary = await proc.binary();
    if (binary) touched.add(`binary:${binary.md5sum}`);
    if (binary?.signed) {
      const signed = binary.signing_data.sign_time;
      const days = signed instanceof Date && proc.start
        ? Math.floor((proc.start.getTime() - signed.getTime()) / 86_400_000)
        : undefined;
      out.push(
        `- That binary (${proc.process_md5}) was signed by ${binary.signing_data.publisher} ${days} days before it was executed.`,
      );
    }
  });
}
