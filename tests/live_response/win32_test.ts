import assert from "node:assert/strict";
import { decodeHresult, liveResponseErrorFrom, win32ErrorName } from "@cbapi/cbapi/live-response";

Deno.test("win32ErrorName() names Win32 codes from winerror.h [spec 308]", () => {
  assert.equal(win32ErrorName(2), "ERROR_FILE_NOT_FOUND");
  assert.equal(win32ErrorName(5), "ERROR_ACCESS_DENIED");
  assert.equal(win32ErrorName(145), "ERROR_DIR_NOT_EMPTY");
  assert.equal(win32ErrorName(258), "WAIT_TIMEOUT");
  assert.equal(win32ErrorName(1223), "ERROR_CANCELLED");
  assert.equal(win32ErrorName(1460), "ERROR_TIMEOUT");
  assert.equal(win32ErrorName(65535), undefined);
});

Deno.test("decodeHresult() follows the Python rules [spec 308]", () => {
  assert.deepEqual(decodeHresult(2147942487), {
    code: 0x80070057,
    name: "ERROR_INVALID_PARAMETER",
    message: "Win32 error code 0x80070057 (ERROR_INVALID_PARAMETER)",
  });
  assert.equal(
    decodeHresult("2147942402").message,
    "Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)",
  );
  // not the Win32 facility: no name
  assert.deepEqual(decodeHresult(0x80040005), {
    code: 0x80040005,
    name: "",
    message: "Win32 error code 0x80040005",
  });
  assert.equal(decodeHresult("garbage").message, "Unknown Win32 error code");
  assert.equal(decodeHresult(-2147024894).code, 0x80070002, "signed codes are read unsigned");
});

Deno.test("liveResponseErrorFrom() decodes only WinHresult errors [spec 308]", () => {
  const ctx = { server: "https://cb.example", sensorId: 3 };
  const err = liveResponseErrorFrom({
    status: "error",
    name: "get file",
    object: "c:\\x",
    result_type: "WinHresult",
    result_code: 2147942402,
  }, ctx);
  assert.equal(err.win32Code, 0x80070002);
  assert.equal(err.description, "ERROR_FILE_NOT_FOUND");
  assert.match(err.message, /"get file" on "c:\\x" failed on sensor 3 of https:\/\/cb\.example/);
  const other = liveResponseErrorFrom({
    status: "error",
    name: "kill",
    result_type: "Other",
    result_desc: "nope",
  }, ctx);
  assert.equal(other.win32Code, undefined);
  assert.equal(other.description, "");
  assert.equal(other.details.result_desc, "nope");
});
