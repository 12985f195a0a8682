import assert from "node:assert/strict";
import { crc32, openZipMember } from "../../core/_zip.ts";

// ---------------------------------------------------------------------------------------------
// Helpers: real archives from Python's zipfile, chunked sources that record what was pulled.

const PY_ZIP = `
import io, json, sys, zipfile
spec = json.loads(sys.argv[1])
class NonSeekable(io.RawIOBase):
    def __init__(self): self.buf = bytearray()
    def writable(self): return True
    def write(self, data): self.buf += data; return len(data)
    def seekable(self): return False
    def tell(self): raise OSError("not seekable")
out = NonSeekable() if spec["stream"] else io.BytesIO()
with zipfile.ZipFile(out, "w") as z:
    for m in spec["members"]:
        info = zipfile.ZipInfo(m["name"], date_time=(2017, 2, 1, 4, 5, 44))
        info.compress_type = zipfile.ZIP_DEFLATED if m["deflate"] else zipfile.ZIP_STORED
        data = open(m["path"], "rb").read()
        with z.open(info, "w", force_zip64=m.get("zip64", False)) as f:
            for i in range(0, len(data), 65536):
                f.write(data[i:i + 65536])
sys.stdout.buffer.write(bytes(out.buf) if spec["stream"] else out.getvalue())
`;

interface Member {
  name: string;
  data: Uint8Array;
  deflate: boolean;
  zip64?: boolean;
}

async function pyZip(members: Member[], stream: boolean): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "cbapi_zip_test_" });
  try {
    const spec = { stream, members: [] as Array<Record<string, unknown>> };
    for (const [i, m] of members.entries()) {
      const path = `${dir}/m${i}`;
      await Deno.writeFile(path, m.data);
      spec.members.push({ name: m.name, path, deflate: m.deflate, zip64: m.zip64 ?? false });
    }
    const out = await new Deno.Command("python3", {
      args: ["-c", PY_ZIP, JSON.stringify(spec)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return out.stdout;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Source {
  stream: ReadableStream<Uint8Array>;
  /** Bytes handed to the reader so far. */
  pulled(): number;
  cancelled(): { reason: unknown } | undefined;
}

function chunkedSource(bytes: Uint8Array, chunkSize: number): Source {
  let offset = 0;
  let cancel: { reason: unknown } | undefined;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      // Copy, as a network body would, so the reader cannot rely on one backing buffer.
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
    cancel(reason) {
      cancel = { reason };
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => Math.min(offset, bytes.length), cancelled: () => cancel };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Deterministic test data mixing text (compressible) and noise (stored deflate blocks). */
function sampleData(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  const text = new TextEncoder().encode(
    "Timestamp : 02/01/2017 04:05:44\r\nOrigFilename : \\Device\\HarddiskVolume2\\appid.sys\r\n",
  );
  let x = seed;
  for (let i = 0; i < size; i++) {
    if (Math.floor(i / 40000) % 3 === 2) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 255;
    } else {
      out[i] = text[i % text.length]!;
    }
  }
  return out;
}

const METADATA = new TextEncoder().encode(
  "Timestamp : 02/01/2017 04:05:44\r\nOrigFilename : \\Device\\HarddiskVolume2\\Windows\\System32\\drivers\\appid.sys\r\n",
);

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function localHeaderOffset(zip: Uint8Array, name: string): number {
  const sig = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
  const nameBytes = new TextEncoder().encode(name);
  for (let i = indexOfBytes(zip, sig); i >= 0; i = indexOfBytes(zip, sig, i + 1)) {
    if (indexOfBytes(zip.subarray(i + 30, i + 30 + nameBytes.length), nameBytes) === 0) return i;
  }
  throw new Error(`no local header for ${name}`);
}

// ---------------------------------------------------------------------------------------------

Deno.test("crc32() matches the standard check value and continues across chunks", () => {
  const data = new TextEncoder().encode("123456789");
  assert.equal(crc32(data), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const big = sampleData(100_003);
  let c = 0;
  for (let i = 0; i < big.length; i += 777) c = crc32(big.subarray(i, i + 777), c);
  assert.equal(c, crc32(big));
});

for (const deflate of [false, true]) {
  for (const stream of [false, true]) {
    const kind = `${deflate ? "deflated" : "stored"} ${
      stream ? "with data descriptors" : "with sizes in the headers"
    }`;
    Deno.test(`openZipMember() reads ${kind}, skipping multi-megabyte members`, async (t) => {
      const big1 = sampleData(2_500_000, 7);
      const filedata = sampleData(3_000_000, 11);
      const zip = await pyZip([
        { name: "big1", data: big1, deflate },
        { name: "filedata", data: filedata, deflate },
        { name: "metadata", data: METADATA, deflate },
      ], stream);
      await t.step("the second member, source in 1000-byte chunks", async () => {
        const src = chunkedSource(zip, 1000);
        assert.deepEqual(await readAll(await openZipMember(src.stream, "filedata")), filedata);
        // The rest of the archive is cancelled, not read.
        assert.ok(src.cancelled());
        assert.ok(src.pulled() <= localHeaderOffset(zip, "metadata") + 1000);
      });
      await t.step("the first member", async () => {
        const src = chunkedSource(zip, 65536);
        assert.deepEqual(await readAll(await openZipMember(src.stream, "big1")), big1);
      });
      await t.step("the last member, after draining two large ones", async () => {
        const src = chunkedSource(zip, 4096);
        assert.deepEqual(await readAll(await openZipMember(src.stream, "metadata")), METADATA);
      });
    });
  }
}

Deno.test("openZipMember() resumes at every byte boundary (1- and 7-byte chunks)", async () => {
  const a = sampleData(150_000, 3);
  const b = sampleData(20_000, 5);
  for (const stream of [true, false]) {
    const zip = await pyZip([
      { name: "a", data: a, deflate: true },
      { name: "s", data: b, deflate: false },
      { name: "filedata", data: b, deflate: true },
    ], stream);
    for (const size of [1, 7]) {
      const got = await readAll(await openZipMember(chunkedSource(zip, size).stream, "filedata"));
      assert.deepEqual(got, b, `stream=${stream} chunk=${size}`);
    }
  }
});

Deno.test("openZipMember() reads ZIP64 members and empty members", async () => {
  const data = sampleData(300_000, 9);
  const zip = await pyZip([
    { name: "empty-stored", data: new Uint8Array(0), deflate: false },
    { name: "empty-deflated", data: new Uint8Array(0), deflate: true },
    { name: "z64-stored", data, deflate: false, zip64: true },
    { name: "z64-deflated", data, deflate: true, zip64: true },
    { name: "last", data: METADATA, deflate: true },
  ], true);
  for (const name of ["empty-stored", "empty-deflated"]) {
    assert.equal(
      (await readAll(await openZipMember(chunkedSource(zip, 100).stream, name))).length,
      0,
    );
  }
  for (const name of ["z64-stored", "z64-deflated"]) {
    assert.deepEqual(
      await readAll(await openZipMember(chunkedSource(zip, 5000).stream, name)),
      data,
    );
  }
  assert.deepEqual(
    await readAll(await openZipMember(chunkedSource(zip, 5000).stream, "last")),
    METADATA,
  );
});

Deno.test("openZipMember() pulls from the source only as the caller reads", async () => {
  const filedata = sampleData(3_000_000, 13);
  for (const deflate of [false, true]) {
    const zip = await pyZip([{ name: "filedata", data: filedata, deflate }], false);
    const src = chunkedSource(zip, 1000);
    const member = await openZipMember(src.stream, "filedata");
    assert.ok(src.pulled() <= 2000, `pulled ${src.pulled()} before reading`);
    const reader = member.getReader();
    let got = 0;
    while (got < 100_000) {
      const r = await reader.read();
      assert.equal(r.done, false);
      got += r.value!.length;
    }
    // Bounded read-ahead: the source is nowhere near fully consumed.
    assert.ok(src.pulled() < 400_000, `pulled ${src.pulled()} for ${got} bytes read`);
    await reader.cancel();
  }
});

Deno.test("openZipMember() errors the stream on a CRC mismatch", async (t) => {
  const filedata = sampleData(200_000, 17);
  await t.step("CRC in the local header", async () => {
    for (const deflate of [false, true]) {
      const zip = await pyZip([{ name: "filedata", data: filedata, deflate }], false);
      const at = localHeaderOffset(zip, "filedata") + 14;
      zip[at] = zip[at]! ^ 0xff;
      const member = await openZipMember(chunkedSource(zip, 8192).stream, "filedata");
      await assert.rejects(readAll(member), /ZIP member "filedata" is corrupt: CRC mismatch/);
    }
  });
  await t.step("CRC in a deflate member's data descriptor", async () => {
    const zip = await pyZip([{ name: "filedata", data: filedata, deflate: true }], true);
    const desc = indexOfBytes(zip, new Uint8Array([0x50, 0x4b, 0x07, 0x08]));
    zip[desc + 4] = zip[desc + 4]! ^ 0xff;
    const member = await openZipMember(chunkedSource(zip, 8192).stream, "filedata");
    await assert.rejects(readAll(member), /ZIP member "filedata" is corrupt: CRC mismatch/);
  });
  await t.step("damaged deflate data", async () => {
    const zip = await pyZip([{ name: "filedata", data: filedata, deflate: true }], false);
    const start = localHeaderOffset(zip, "filedata") + 30 + "filedata".length;
    for (let i = start + 1000; i < start + 1100; i++) zip[i] = 0x55;
    const member = await openZipMember(chunkedSource(zip, 8192).stream, "filedata");
    await assert.rejects(readAll(member), /ZIP member "filedata" is corrupt/);
  });
});

Deno.test("openZipMember() reports truncated archives", async (t) => {
  const filedata = sampleData(200_000, 19);
  for (const deflate of [false, true]) {
    for (const stream of [false, true]) {
      await t.step(`inside the member (deflate=${deflate}, descriptors=${stream})`, async () => {
        const zip = await pyZip([{ name: "filedata", data: filedata, deflate }], stream);
        const src = chunkedSource(zip.subarray(0, zip.length >> 1), 4096);
        const member = await openZipMember(src.stream, "filedata");
        await assert.rejects(readAll(member), /truncated|corrupt/);
      });
      await t.step(
        `while skipping a member (deflate=${deflate}, descriptors=${stream})`,
        async () => {
          const zip = await pyZip([
            { name: "metadata", data: filedata, deflate },
            { name: "filedata", data: METADATA, deflate },
          ], stream);
          const src = chunkedSource(zip.subarray(0, zip.length >> 1), 4096);
          await assert.rejects(openZipMember(src.stream, "filedata"), /truncated/);
        },
      );
    }
  }
  await t.step("inside a local header", async () => {
    const zip = await pyZip([{ name: "filedata", data: METADATA, deflate: true }], false);
    await assert.rejects(
      openZipMember(chunkedSource(zip.subarray(0, 20), 4).stream, "filedata"),
      /Cannot read ZIP local file header: the archive is truncated/,
    );
  });
});

Deno.test("openZipMember() names the members it saw when the wanted one is missing", async () => {
  const zip = await pyZip([
    { name: "metadata", data: METADATA, deflate: true },
    { name: "other", data: METADATA, deflate: false },
  ], true);
  const src = chunkedSource(zip, 100);
  await assert.rejects(
    openZipMember(src.stream, "filedata"),
    { message: 'Cannot find ZIP member "filedata": the archive holds "metadata", "other"' },
  );
  assert.ok(src.cancelled());
  await assert.rejects(
    openZipMember(chunkedSource(new Uint8Array(0), 10).stream, "filedata"),
    /the archive holds no members/,
  );
  await assert.rejects(
    openZipMember(
      chunkedSource(new TextEncoder().encode("<html>not a zip</html>"), 10).stream,
      "x",
    ),
    /Cannot read ZIP: unexpected signature/,
  );
});

Deno.test("openZipMember() cancels the source when the member stream is cancelled", async () => {
  const zip = await pyZip([{ name: "filedata", data: sampleData(1_000_000), deflate: true }], true);
  const src = chunkedSource(zip, 1000);
  const member = await openZipMember(src.stream, "filedata");
  const reader = member.getReader();
  await reader.read();
  await reader.cancel("enough");
  assert.deepEqual(src.cancelled(), { reason: "enough" });

  const src2 = chunkedSource(zip, 1000);
  await (await openZipMember(src2.stream, "filedata")).cancel("unused");
  assert.deepEqual(src2.cancelled(), { reason: "unused" });
});

Deno.test("openZipMember() honours an abort signal", async (t) => {
  const zip = await pyZip(
    [{ name: "filedata", data: sampleData(1_000_000), deflate: true }],
    false,
  );
  await t.step("aborted before opening", async () => {
    const src = chunkedSource(zip, 1000);
    const reason = new Error("stop");
    await assert.rejects(
      openZipMember(src.stream, "filedata", { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    assert.ok(src.cancelled());
  });
  await t.step("aborted while reading", async () => {
    const src = chunkedSource(zip, 1000);
    const controller = new AbortController();
    const member = await openZipMember(src.stream, "filedata", { signal: controller.signal });
    const reader = member.getReader();
    await reader.read();
    const reason = new Error("user abort");
    controller.abort(reason);
    await assert.rejects(reader.read(), (e) => e === reason);
    assert.deepEqual(src.cancelled(), { reason });
  });
  await t.step("aborted while a source read is pending", async () => {
    const controller = new AbortController();
    let cancelled = false;
    const never = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const opening = openZipMember(never, "filedata", { signal: controller.signal });
    const reason = new Error("late abort");
    controller.abort(reason);
    await assert.rejects(opening, (e) => e === reason);
    assert.ok(cancelled);
  });
});

Deno.test("openZipMember() streams a 256 MiB member in bounded memory", async () => {
  const size = 256 * 1024 * 1024;
  const block = sampleData(1 << 20, 23).map((b, i) => (i % 64 < 48 ? 0x41 + (i % 7) : b));
  let crc = 0;
  // A deflated member with a data descriptor, generated and compressed on the fly.
  async function* archive(): AsyncGenerator<Uint8Array> {
    const name = new TextEncoder().encode("filedata");
    const header = new Uint8Array(30 + name.length);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 8, true);
    v.setUint16(8, 8, true);
    v.setUint16(26, name.length, true);
    header.set(name, 30);
    yield header;
    let sent = 0;
    const raw = new ReadableStream<BufferSource>({
      pull(c) {
        if (sent >= size) return c.close();
        crc = crc32(block, crc);
        sent += block.length;
        c.enqueue(block);
      },
    }, { highWaterMark: 0 });
    let csize = 0;
    for await (const chunk of raw.pipeThrough(new CompressionStream("deflate-raw"))) {
      csize += chunk.length;
      yield chunk;
    }
    const desc = new Uint8Array(16);
    const d = new DataView(desc.buffer);
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, crc, true);
    d.setUint32(8, csize, true);
    d.setUint32(12, size, true);
    yield desc;
    yield new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)]);
  }
  const it = archive();
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      const r = await it.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
    async cancel() {
      await it.return(undefined);
    },
  }, { highWaterMark: 0 });
  const before = Deno.memoryUsage().rss;
  let peak = before;
  let total = 0;
  let outCrc = 0;
  for await (const chunk of await openZipMember(body, "filedata")) {
    total += chunk.length;
    outCrc = crc32(chunk, outCrc);
    if (total % (32 << 20) < chunk.length) peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  assert.equal(total, size);
  assert.equal(outCrc, crc);
  const growth = (peak - before) / (1 << 20);
  assert.ok(growth < 128, `RSS grew by ${growth.toFixed(0)} MiB`);
});

/** A byte-stream body (as `fetch` gives): it can be read with a BYOB reader. */
function byteSource(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const request = controller.byobRequest;
      if (request) {
        const view = request.view as Uint8Array;
        const n = Math.min(view.length, chunkSize, bytes.length - offset);
        view.set(bytes.subarray(offset, offset + n));
        offset += n;
        request.respond(n);
      } else {
        controller.enqueue(bytes.slice(offset, offset + chunkSize));
        offset += chunkSize;
      }
    },
  }, { highWaterMark: 0 });
}

Deno.test("openZipMember() inflates into a BYOB reader's own buffer, reading a byte-stream body with BYOB", async () => {
  const data = sampleData(700_000, 4);
  for (const stream of [true, false]) {
    const zip = await pyZip([
      { name: "skip", data: sampleData(90_000, 2), deflate: true },
      { name: "filedata", data, deflate: true },
    ], stream);
    const member = await openZipMember(byteSource(zip, 4096), "filedata");
    const reader = member.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(1000);
    const got = new Uint8Array(data.length);
    let at = 0;
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      assert.ok(value.length <= 1000, "never more than the reader asked for");
      got.set(value, at);
      at += value.length;
      buffer = value.buffer as ArrayBuffer; // the same memory comes back each time
    }
    assert.equal(at, data.length, `stream=${stream}`);
    assert.deepEqual(got, data);
  }
});

Deno.test("RawInflater.open() finds node:zlib's synchronous handle (the no-allocation path)", async () => {
  const { RawInflater } = await import("../../core/_inflate.ts");
  const inflater = RawInflater.open();
  assert.ok(
    inflater,
    "this Deno's node:zlib lost the handle: Binary.file() falls back to fresh chunks",
  );
  inflater.close();
});
