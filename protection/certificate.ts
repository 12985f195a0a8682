/**
 * Cb Protection certificates, publishers and publisher certificates.
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type FieldValues,
  type IdKind,
  type Joins,
  type JoinSpecs,
  Model,
  MutableModel,
  type WritableFieldValues,
} from "../core/mod.ts";
import { joinOn } from "./_util.ts";
import { Computer } from "./computer.ts";
import type { CbProtectionAPI } from "./api.ts";

/** The typed document fields of {@linkcode Certificate}, declared once in `Certificate.fields`. */
export interface Certificate
  extends
    WritableFieldValues<typeof Certificate.fields, never, "id">,
    Joins<typeof Certificate.joins> {}

/**
 * A signing certificate (legacy mutable model: saved with a PUT of the whole document).
 *
 * @example Walk to the certificate's publisher
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Certificate } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const cert = await cb.select(Certificate, 2);
 * const parent = await cert.parent();
 * const publisher = await cert.publisher();
 * assert.ok(parent?.id === 1 && publisher !== undefined);
 * ```
 */
export class Certificate extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/certificate";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Certificate id. */
    id: "integer",
    /** Certificate state ({@linkcode Certificate.StateApproved}, ...). */
    certificateState: "integer",
    /** Certificate effective state (`certificateEffectiveState`, integer). */
    certificateEffectiveState: "integer",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Cosigner (`cosigner`, flag). */
    cosigner: "boolean",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Description (`description`, text). */
    description: "string",
    /** Detached (`detached`, flag). */
    detached: "boolean",
    /** Embedded (`embedded`, flag). */
    embedded: "boolean",
    /** First seen computer id (`firstSeenComputerId`, integer). */
    firstSeenComputerId: "integer",
    /** Intermediary (`intermediary`, flag). */
    intermediary: "boolean",
    /** Modified by user (`modifiedByUser`, text). */
    modifiedByUser: "string",
    /** Parent certificate id (`parentCertificateId`, integer). */
    parentCertificateId: "integer",
    /** Public key algorithm (`publicKeyAlgorithm`, text). */
    publicKeyAlgorithm: "string",
    /** Public key size (`publicKeySize`, integer). */
    publicKeySize: "integer",
    /** Publisher id (`publisherId`, integer). */
    publisherId: "integer",
    /** Serial number (`serialNumber`, text). */
    serialNumber: "string",
    /** Signature algorithm (`signatureAlgorithm`, text). */
    signatureAlgorithm: "string",
    /** Signer (`signer`, flag). */
    signer: "boolean",
    /** Source type (`sourceType`, integer). */
    sourceType: "integer",
    /** Subject name (`subjectName`, text). */
    subjectName: "string",
    /** Thumbprint (`thumbprint`, text). */
    thumbprint: "string",
    /** Thumbprint algorithm (`thumbprintAlgorithm`, text). */
    thumbprintAlgorithm: "string",
    /** Valid (`valid`, flag). */
    valid: "boolean",
    /** Valid from (`validFrom`, date, raw text with `getRaw`). */
    validFrom: "iso-date-time",
    /** Valid to (`validTo`, date, raw text with `getRaw`). */
    validTo: "iso-date-time",
  } as const;

  /**
   * The joins, declared once: each is a read-only async method (see `join`). The map's type is
   * written out because one join loads a `Certificate` (TypeScript cannot infer a class's
   * member from the class itself); `Publisher` is declared below, hence the function.
   */
  static joins: JoinSpecs<
    { parent: Certificate; publisher: Publisher; firstSeenComputer: Computer }
  > = {
    /** The issuing certificate (cached join on `parentCertificateId`). */
    parent: joinOn(Certificate, "parentCertificateId"),
    /** The certificate's publisher (cached join on `publisherId`). */
    publisher: joinOn(() => Publisher, "publisherId"),
    /** The computer the certificate was first seen on (cached join on `firstSeenComputerId`). */
    firstSeenComputer: joinOn(() => Computer, "firstSeenComputerId"),
  };

  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";
  /** State: unapproved. */
  static readonly StateUnapproved = 1;
  /** State: approved. */
  static readonly StateApproved = 2;
  /** State: banned. */
  static readonly StateBanned = 3;
  /** State: mixed. */
  static readonly StateMixed = 4;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(Certificate);

/** The typed document fields of {@linkcode Publisher}, declared once in `Publisher.fields`. */
export interface Publisher extends WritableFieldValues<typeof Publisher.fields, "name", "id"> {}

/**
 * A software publisher (legacy mutable model: saved with a PUT of the whole document).
 *
 * @example Approve a publisher
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Publisher } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const pub = await cb.select(Publisher).where("name:Microsoft*").first();
 * if (pub) {
 *   pub.set("publisherState", 2);
 *   await pub.save();
 *   assert.ok(pub.get("publisherState") === 2);
 * }
 * ```
 */
export class Publisher extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/publisher";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Publisher id. */
    id: "integer",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Description (`description`, text). */
    description: "string",
    /** First seen computer id (`firstSeenComputerId`, integer). */
    firstSeenComputerId: "integer",
    /** Hidden (`hidden`, flag). */
    hidden: "boolean",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Name (`name`, text). */
    name: "string",
    /** Platform flags (`platformFlags`, integer). */
    platformFlags: "integer",
    /** Policy ids (`policyIds`, text). */
    policyIds: "string",
    /** Publisher reputation (`publisherReputation`, integer). */
    publisherReputation: "integer",
    /** Publisher state (`publisherState`, integer). */
    publisherState: "integer",
    /** Reputation approvals enabled (`reputationApprovalsEnabled`, flag). */
    reputationApprovalsEnabled: "boolean",
    /** Signed certificate count (`signedCertificateCount`, integer). */
    signedCertificateCount: "integer",
    /** Signed files count (`signedFilesCount`, integer). */
    signedFilesCount: "integer",
    /** Source type (`sourceType`, integer). */
    sourceType: "integer",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** Publisher name. */
  get name(): string | undefined {
    return this.get<string>("name");
  }
}
installFields(Publisher);

/** The typed document fields of {@linkcode PublisherCertificate}, declared once in `PublisherCertificate.fields`. */
export interface PublisherCertificate extends FieldValues<typeof PublisherCertificate.fields> {}

/**
 * A certificate of a publisher (read-only; Cb Protection 8.0 and later).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, PublisherCertificate } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const rows = await cb.select(PublisherCertificate).where("publisherId:1").toArray();
 * assert.ok(rows.length > 0);
 * ```
 */
export class PublisherCertificate extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/publisherCertificate";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Certificate id (`certificateId`, integer). */
    certificateId: "integer",
    /** Id (`id`, integer). */
    id: "integer",
    /** Publisher id (`publisherId`, integer). */
    publisherId: "integer",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(PublisherCertificate, { writable: false });
