// Every message, field and enum value of Carbon Black's CbEventMsg schema decodes: a message with
// every field of every part set (built from the schema by protobufjs reflection, independently
// of the decoder's own tables) is encoded and decoded back field by field.

import assert from "node:assert/strict";
import protobuf from "protobufjs";
import {
  decodeSensorEvent,
  encodeSensorEvent,
  FILE_TYPE_NAMES,
  SENSOR_EVENTS_PROTO,
} from "@cbapi/cbapi/events";

const TEXT = new Set(["utf8_regpath", "utf8_netpath", "utf8string", "commandline"]);
const RAW = new Set(["Icon", "ImageFileHeader"]);

/** A value for every field of a message type, as decodeSensorEvent hands it out. */
function fullMessage(type: protobuf.Type, path: string, count: { fields: number }) {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    count.fields++;
    const where = `${path}.${f.name}`;
    let value: unknown;
    const rt = f.resolvedType;
    if (rt instanceof protobuf.Type) value = fullMessage(rt, where, count);
    else if (rt instanceof protobuf.Enum) value = Object.keys(rt.values).at(-1);
    else {
      switch (f.type) {
        case "int32":
          value = -(f.id * 1000 + 7);
          break;
        case "uint32":
          value = 4_000_000_000 + f.id;
          break;
        case "int64":
          value = `-22113985956070115${String(f.id).padStart(2, "0")}`;
          break;
        case "uint64":
          value = `184467440737095516${String(f.id % 10)}`;
          break;
        case "bool":
          value = true;
          break;
        case "string":
          value = `${where} é ✓`;
          break;
        case "bytes":
          value = TEXT.has(f.name)
            ? `${where} \\registry\\é`
            : RAW.has(f.name)
            ? new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0xff, f.id])
            : "5a18f00ab9330ac7539675f3f326cf11" + f.id.toString(16).padStart(2, "0");
          break;
        default:
          throw new Error(`No sample for ${f.type}`);
      }
    }
    out[f.name] = f.repeated ? [value, value] : value;
  }
  return out;
}

Deno.test("decodeSensorEvent() reads every field of every CbEventMsg part, typed as documented [spec 317]", () => {
  const root = protobuf.parse(SENSOR_EVENTS_PROTO, { keepCase: true }).root;
  root.resolveAll();
  const event = root.lookupType("CbEventMsg");
  const count = { fields: 0 };
  const full = fullMessage(event, "CbEventMsg", count);
  const decoded = decodeSensorEvent(encodeSensorEvent(full));
  assert.deepEqual(decoded, full);
  // Every part of the schema, including the ones that used to be dropped whole.
  assert.deepEqual(Object.keys(decoded).sort(), event.fieldsArray.map((f) => f.name).sort());
  assert.equal(event.fieldsArray.length, 24);
  assert.ok(count.fields >= 280, `${count.fields} fields checked`);
});

Deno.test("The schema has every CbModuleInfoMsg field, blocked = 16 and emet = 17 [spec 317]", () => {
  const root = protobuf.parse(SENSOR_EVENTS_PROTO, { keepCase: true }).root;
  const event = root.lookupType("CbEventMsg");
  assert.equal(event.fields.blocked?.id, 16);
  assert.equal(event.fields.blocked?.type, "CbProcessBlockedMsg");
  assert.equal(event.fields.emet?.id, 17);
  assert.equal(event.fields.emet?.type, "CbEmetMitigationMsg");
  const module = root.lookupType("CbModuleInfoMsg");
  assert.deepEqual(
    Object.fromEntries(module.fieldsArray.map((f) => [f.name, f.id])),
    {
      md5: 1,
      CopiedModuleLength: 2,
      OriginalModuleLength: 3,
      utf8_FileDescription: 4,
      utf8_CompanyName: 5,
      utf8_ProductName: 6,
      utf8_FileVersion: 7,
      utf8_Comments: 8,
      utf8_LegalCopyright: 9,
      utf8_LegalTrademark: 10,
      utf8_InternalName: 11,
      utf8_OriginalFileName: 12,
      utf8_ProductDescription: 13,
      utf8_ProductVersion: 14,
      utf8_PrivateBuild: 15,
      utf8_SpecialBuild: 16,
      utf8_DigSig_Publisher: 17,
      utf8_DigSig_ProgramName: 18,
      utf8_DigSig_IssuerName: 19,
      utf8_DigSig_SubjectName: 20,
      utf8_DigSig_Result: 21,
      utf8_DigSig_ResultCode: 22,
      utf8_DigSig_SignTime: 23,
      Icon: 24,
      ImageFileHeader: 25,
      utf8_OnDiskFilename: 26,
      sha256: 27,
    },
  );
  const emetTypes = root.lookupEnum("CbEmetMitigationAction.CbEmetMitigationTypes");
  assert.equal(Object.keys(emetTypes.values).length, 18);
  assert.equal(emetTypes.values.actionAntiDetours, 18);
  const blockResult = root.lookupEnum("CbProcessBlockedMsg.BlockResult");
  assert.equal(blockResult.values.NotTerminatedTerminateError, 6);
});

Deno.test("decodeSensorEvent() skips fields a newer sensor adds; unnamed enum values stay numbers [spec 317]", () => {
  const known = encodeSensorEvent({
    header: { version: 4 },
    filemod: { action: "actionFileModWrite", type: 1 },
    blocked: { blockResult: 3 },
  });
  // field 99 (varint 5) and field 100 (length-delimited "new") appended to the message
  const extra = new Uint8Array([0x98, 0x06, 0x05, 0xa2, 0x06, 0x03, 0x6e, 0x65, 0x77]);
  const bytes = new Uint8Array([...known, ...extra]);
  const ev = decodeSensorEvent(bytes);
  assert.deepEqual(ev.filemod, { action: "actionFileModWrite", type: 1 });
  assert.equal(FILE_TYPE_NAMES.get(ev.filemod!.type!), "filetypePe");
  assert.deepEqual(ev.blocked, { blockResult: "NotTerminatedCriticalSystemProcess" });
  // CbEventMsg { header(1) { version(1)=4 }, tamperAlert(15) { type(1)=42 } }
  const unnamed = decodeSensorEvent(new Uint8Array([0x0a, 0x02, 0x08, 0x04, 0x7a, 0x02, 0x08, 42]));
  assert.equal(unnamed.tamperAlert?.type, 42);
});
