/**
 * Cb Protection certificates, publishers and publisher certificates.
 *
 * @module
 */

import { Model, type ModelId, MutableModel, type RequestOptions } from "../core/mod.ts";
import { intId, join } from "./_util.ts";
import { Computer } from "./computer.ts";

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
export class Certificate extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/certificate";
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

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Certificate id. */
  get id(): number | undefined {
    return this.get<number>("id");
  }

  /** Certificate state ({@linkcode Certificate.StateApproved}, ...). */
  get certificateState(): number | undefined {
    return this.get<number>("certificateState");
  }
  set certificateState(value: number | undefined) {
    this.set("certificateState", value);
  }

  /**
   * The issuing certificate (cached join on `parentCertificateId`).
   *
   * @param options Signal and timeout.
   * @returns The parent, or undefined for a root.
   */
  parent(options: RequestOptions = {}): Promise<Certificate | undefined> {
    return join(this.cb, Certificate, this.info.parentCertificateId, options);
  }

  /**
   * The certificate's publisher (cached join on `publisherId`).
   *
   * @param options Signal and timeout.
   * @returns The publisher, or undefined.
   */
  publisher(options: RequestOptions = {}): Promise<Publisher | undefined> {
    return join(this.cb, Publisher, this.info.publisherId, options);
  }

  /**
   * The computer the certificate was first seen on (cached join on `firstSeenComputerId`).
   *
   * @param options Signal and timeout.
   * @returns The computer, or undefined.
   */
  firstSeenComputer(options: RequestOptions = {}): Promise<Computer | undefined> {
    return join(this.cb, Computer, this.info.firstSeenComputerId, options);
  }
}

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
export class Publisher extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/publisher";
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Publisher id. */
  get id(): number | undefined {
    return this.get<number>("id");
  }

  /** Publisher name. */
  get name(): string | undefined {
    return this.get<string>("name");
  }
}

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
export class PublisherCertificate extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/publisherCertificate";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }
}
