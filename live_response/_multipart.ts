// The multipart/form-data body of a Live Response upload, shaped like the one Python's
// `requests` sends for `files={"file": data}`: one part named `file`, file name `file`.

const ENCODER = new TextEncoder();

/** Data a caller may upload. */
export type UploadData = Uint8Array | string | Blob | ReadableStream<Uint8Array>;

/** A ready body and its content type. */
export interface MultipartBody {
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  contentType: string;
}

function boundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Builds the body; a stream stays a stream (nothing is buffered). */
export function multipartBody(data: UploadData): MultipartBody {
  const b = boundary();
  const head = ENCODER.encode(
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`,
  );
  const tail = ENCODER.encode(`\r\n--${b}--\r\n`);
  const contentType = `multipart/form-data; boundary=${b}`;
  if (typeof data === "string" || data instanceof Uint8Array) {
    const bytes = typeof data === "string" ? ENCODER.encode(data) : data;
    const body: Uint8Array<ArrayBuffer> = new Uint8Array(head.length + bytes.length + tail.length);
    body.set(head);
    body.set(bytes, head.length);
    body.set(tail, head.length + bytes.length);
    return { body, contentType };
  }
  const source = data instanceof Blob ? data.stream() : data;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let stage = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 0) {
        stage = 1;
        controller.enqueue(head);
        return;
      }
      if (stage === 1) {
        reader ??= source.getReader();
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        stage = 2;
      }
      controller.enqueue(tail);
      controller.close();
    },
    async cancel(reason) {
      if (reader) await reader.cancel(reason);
      else await source.cancel(reason);
    },
  });
  return { body, contentType };
}
