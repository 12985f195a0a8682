/**
 * `cbapi configure <product>`: writes `~/.carbonblack/credentials.<product>` with a single
 * `[default]` profile, asking the questions of the Python `cbapi-<product> configure`
 * (SPEC §1.5), including the Cb Response API-token look-up by user name and password.
 *
 * @module
 */

import { getApiToken } from "../response/auth.ts";
import type { Io } from "./_io.ts";
import { checkTls } from "./check_tls.ts";

/** The products `configure` knows. */
export type Product = "response" | "protection" | "defense";

/** The URL prompt of each product, exactly as the Python commands ask. */
export const URL_PROMPTS: Readonly<Record<Product, string>> = {
  response: "URL to the Cb Response server [https://hostname]: ",
  protection: "URL to the Cb Protection server [https://hostname]: ",
  defense:
    "URL to the Cb Defense API server (do not include '/integrationServices') [https://hostname]: ",
};

/** The certificate-validation prompt (Response and Protection). */
export const SSL_PROMPT =
  "Use SSL/TLS certificate validation (answer 'N' if using self-signed certs) [Y/N]: ";

/** Options of {@linkcode configure}. */
export interface ConfigureOptions {
  /**
   * The home directory holding `.carbonblack`.
   *
   * @default the HOME (or USERPROFILE) environment variable
   */
  home?: string;
  /**
   * The TLS version the platform supports (only for tests of the notice).
   *
   * @default the result of checkTls()
   */
  tlsVersion?: string;
}

/**
 * Runs the configure dialogue and writes the credential file.
 *
 * @param product The product whose credential file is written.
 * @param io Prompts and output.
 * @param options Home directory.
 * @returns The exit status: 0 written, 1 declined, aborted or failed.
 */
export async function configure(
  product: Product,
  terminal: Io,
  options: ConfigureOptions = {},
): Promise<number> {
  const io = refusingControlCharacters(terminal);
  const home = options.home ?? Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) {
    io.err("Cannot find your home directory: set HOME (USERPROFILE on Windows) and try again");
    return 1;
  }
  const dir = `${home}/.carbonblack`;
  const path = `${dir}/credentials.${product}`;

  io.out("Welcome to the CbAPI.");
  if (product === "response") {
    const tls = options.tlsVersion ?? checkTls();
    if (tls !== "TLSv1.2" && tls !== "TLSv1.3") {
      io.out(
        `Newest TLS version supported by this platform is: ${tls}. Cb Response 6.1 and newer ` +
          "require TLS 1.2: upgrade this platform (or Deno) before connecting to such a server.",
      );
    }
  }
  if (await exists(path)) {
    io.out(`An existing credential file exists at ${path}.`);
    const answer = await io.ask(
      "Do you want to continue and overwrite the existing configuration? [Y/N] ",
    );
    if ((answer ?? "").trim().toUpperCase() !== "Y") {
      io.out("Exiting.");
      return 1;
    }
  }
  if (!(await exists(dir))) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    if (Deno.build.os !== "windows") await Deno.chmod(dir, 0o700);
  }

  const url = await io.ask(URL_PROMPTS[product]);
  if (url === undefined) return endOfInput(io);

  let sslVerify = true;
  if (product !== "defense") {
    let answer = "";
    while (answer !== "Y" && answer !== "N") {
      const line = await io.ask(SSL_PROMPT);
      if (line === undefined) return endOfInput(io);
      answer = line.trim().toUpperCase();
    }
    sslVerify = answer === "Y";
  }

  let token: string;
  if (product === "defense") {
    const connectorId = await io.ask("Connector ID: ");
    if (connectorId === undefined) return endOfInput(io);
    const apiKey = await io.ask("API key: ", true);
    if (apiKey === undefined) return endOfInput(io);
    token = `${apiKey}/${connectorId}`;
  } else if (product === "protection") {
    const answer = await io.ask("API token: ", true);
    if (answer === undefined) return endOfInput(io);
    token = answer;
  } else {
    const answer = await io.ask("API token (if unknown, leave blank): ", true);
    if (answer === undefined) return endOfInput(io);
    token = answer;
    if (!token) {
      io.out("No API token provided: we will look it up using your username & password");
      const username = await io.ask("Username: ");
      if (username === undefined) return endOfInput(io);
      const password = await io.ask("Password: ", true);
      if (password === undefined) return endOfInput(io);
      io.out(`Retrieving API token for ${username}...`);
      try {
        token = await getApiToken(url, username, password);
      } catch (err) {
        io.err(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        io.out(`Could not retrieve API token: ${err instanceof Error ? err.message : err}`);
        if (!sslVerify && url.startsWith("https:")) {
          io.out(
            "Deno always validates certificates: pin a self-signed certificate with ssl_cert_file, " +
              "or run with --unsafely-ignore-certificate-errors=<host>",
          );
        }
        return 1;
      }
    }
  }

  let text: string;
  try {
    text = iniProfile("default", {
      url,
      token: token.trim(),
      ssl_verify: sslVerify ? "True" : "False",
    });
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
  await writePrivate(path, text);
  io.out(`Successfully wrote credentials to ${path}.`);
  return 0;
}

// Control characters (CR, LF, tab, NUL, ESC, DEL ...) in an answer: a CR would start a new
// INI line and add keys such as "proxy" or "ssl_cert_file" to the credential file.
// deno-lint-ignore no-control-regex
const CONTROL_REGEXP = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The same prompts, but an answer holding a control character is refused: the refusal is
 * reported and the answer reads as the end of input, so nothing is written.
 */
function refusingControlCharacters(io: Io): Io {
  return {
    out: (line) => io.out(line),
    err: (line) => io.err(line),
    async ask(question, hidden) {
      const answer = await io.ask(question, hidden);
      if (answer === undefined || !CONTROL_REGEXP.test(answer)) {
        return hidden || answer === undefined ? answer : answer.trim();
      }
      const at = [...answer].findIndex((c) => CONTROL_REGEXP.test(c));
      io.err(
        `Cannot use this answer: character ${at + 1} is a control character (such as a ` +
          `carriage return), which the credential file cannot hold. Nothing was written: run ` +
          `configure again and type the value on one line`,
      );
      return undefined;
    },
  };
}

/**
 * One INI section, written so that the INI reader gives back exactly these values: a value it
 * could not give back (a control character, surrounding spaces) is refused, never escaped.
 *
 * @throws {TypeError} When a key or value cannot be written faithfully.
 */
export function iniProfile(section: string, values: Record<string, string>): string {
  const lines = [`[${section}]`];
  if (!/^[^\]\s][^\]]*$/.test(section) || CONTROL_REGEXP.test(section)) {
    throw new TypeError(`Cannot write section name "${section}" to a credential file`);
  }
  for (const [key, value] of Object.entries(values)) {
    if (!/^[a-z0-9_]+$/.test(key)) throw new TypeError(`Cannot write key "${key}"`);
    if (CONTROL_REGEXP.test(value) || value !== value.trim()) {
      throw new TypeError(
        `Cannot write the value of "${key}" to a credential file: it holds a control character ` +
          `or surrounding spaces, which the file cannot keep. Nothing was written`,
      );
    }
    lines.push(`${key} = ${value}`);
  }
  return `${lines.join("\n")}\n\n`;
}

function endOfInput(io: Io): number {
  io.out("");
  io.out("Exiting.");
  return 1;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Writes a file readable by its owner only (0600), tightening it before the token is in. */
async function writePrivate(path: string, text: string): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
