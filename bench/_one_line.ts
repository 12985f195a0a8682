// deno-lint-ignore-file no-console
/**
 * A one-line Cb Response script for the cold-start figure: it imports the Response module
 * and prints one JSON line (the benchmark times it from spawn to exit).
 *
 * @module
 */
import { CbResponseAPI } from "@cbapi/cbapi/response";
console.log(JSON.stringify({ loaded: typeof CbResponseAPI === "function" }));
