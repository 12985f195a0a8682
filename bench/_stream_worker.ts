// deno-lint-ignore-file no-console
/**
 * Child process of the streaming benchmark: `binary TARGET MD5 OUTFILE` streams a binary through
 * `Binary.file()` into a file the documented bounded-memory way (a BYOB reader and one reused
 * buffer), `binary-pipe ...` with `pipeTo` (a default reader: fresh chunks), and reports the
 * growth of the resident set size (peak during the download minus the figure just before it) and
 * the bytes written. Running in its own process
 * keeps the emulator (which builds the ZIP in the parent) out of the figure.
 *
 * Prints one JSON line.
 *
 * @module
 */
import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
import { readTarget, rssNow } from "./_util.ts";

const MIB = 1024 * 1024;

/** Samples RSS every few milliseconds while a stream runs; the peak also comes from VmHWM. */
class RssSampler {
  #peak = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts sampling. */
  start(): void {
    this.#timer = setInterval(async () => {
      const { rss } = await rssNow();
      if (rss > this.#peak) this.#peak = rss;
    }, 5);
  }

  /** Stops sampling and returns the peak seen. */
  stop(): number {
    clearInterval(this.#timer);
    return this.#peak;
  }
}

async function streamBinary(
  targetFile: string,
  md5: string,
  outFile: string,
  byob: boolean,
): Promise<Record<string, unknown>> {
  const target = await readTarget(targetFile);
  await using cb = await CbResponseAPI.connect(
    target.certFile
      ? { url: target.url, token: target.token, sslCertFile: target.certFile }
      : { url: target.url, token: target.token },
  );
  const bin = await cb.select(Binary, md5);
  const before = await rssNow();
  const sampler = new RssSampler();
  sampler.start();
  const t0 = performance.now();
  // The documented patterns, unchanged: no counting stream in between (the size is checked on
  // disk afterwards).
  if (byob) {
    using out = await Deno.create(outFile);
    const reader = (await bin.file()).getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(256 * 1024);
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      for (let at = 0; at < value.length;) at += await out.write(value.subarray(at));
      buffer = value.buffer as ArrayBuffer;
    }
  } else {
    await (await bin.file()).pipeTo((await Deno.create(outFile)).writable);
  }
  const ms = performance.now() - t0;
  const sampled = sampler.stop();
  const after = await rssNow();
  const peak = Math.max(sampled, after.rss, after.peak ?? 0);
  // VmHWM may predate the download (start-up); then the sampled peak is the honest figure.
  const peakDuring = before.peak !== undefined && after.peak === before.peak ? sampled : peak;
  const bytes = (await Deno.stat(outFile)).size;
  return {
    bytes,
    ms,
    mibPerSecond: bytes / MIB / (ms / 1000),
    rssBeforeMib: before.rss / MIB,
    rssPeakMib: peakDuring / MIB,
    rssGrowthMib: Math.max(0, peakDuring - before.rss) / MIB,
  };
}

if (import.meta.main) {
  const [mode, targetFile, md5, outFile] = Deno.args;
  if (mode !== "binary" && mode !== "binary-pipe") {
    throw new Error(`Unknown mode "${mode}": use binary or binary-pipe`);
  }
  console.log(JSON.stringify(await streamBinary(targetFile!, md5!, outFile!, mode === "binary")));
}
