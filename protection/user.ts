/**
 * Cb Protection console users, user groups, trusted users and granted policy permissions
 * (Cb Protection 8.0 and later).
 *
 * @module
 */

import { type FieldKind, installFields, Model, type ModelId, MutableModel } from "../core/mod.ts";
import { intId, redactDisplay } from "./_util.ts";

const USER_SECRETS = ["apiToken", "passwordHash", "passwordSalt"];

/**
 * A console user (Cb Protection 8.0+). Its API token and password hash are never printed.
 *
 * @example Create and delete a user
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, User } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const user = cb.create(User, { name: "jdoe", firstName: "Jane", lastName: "Doe" });
 * await user.save();
 * assert.ok(typeof user.id === "number");
 * await user.delete();
 * ```
 */
export class User extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/user";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    userGroupIds: "string",
    eMailAddress: "string",
    firstName: "string",
    lastName: "string",
    title: "string",
    salutation: "string",
    department: "string",
    homePhone: "string",
    cellPhone: "string",
    backupCellPhone: "string",
    pager: "string",
    backupPager: "string",
    comments: "string",
    adminComments: "string",
    passwordHash: "string",
    passwordSalt: "string",
    apiToken: "string",
    readOnly: "boolean",
    external: "boolean",
    automatic: "boolean",
    unified: "boolean",
    enabled: "boolean",
    registrationDate: "iso-date-time",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** User id. */
  declare readonly id: number | undefined;
  /** Login name. */
  declare name: string | undefined;
  /** First name. */
  declare firstName: string | undefined;
  /** Last name. */
  declare lastName: string | undefined;
  /** E-mail address. */
  declare eMailAddress: string | undefined;
  /** Comma-separated user group ids. */
  declare userGroupIds: string | undefined;
  /** Whether the user may log in. */
  declare enabled: boolean | undefined;

  /** The change-tracking display, with the API token and password hash hidden. */
  override toString(): string {
    return redactDisplay(super.toString(), USER_SECRETS);
  }
}
installFields(User);

/**
 * A group of console users with permissions (Cb Protection 8.0+).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, UserGroup } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const group = cb.create(UserGroup, { name: "Auditors", permissions: "1" });
 * await group.save();
 * assert.ok(group.enabled !== undefined);
 * ```
 */
export class UserGroup extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/userGroup";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    description: "string",
    permissions: "string",
    policyIds: "string",
    enabled: "boolean",
    editable: "boolean",
    dateCreated: "iso-date-time",
    createdBy: "string",
    createdByUserId: "integer",
    dateModified: "iso-date-time",
    modifiedBy: "string",
    modifiedByUserId: "integer",
    automaticCount: "integer",
    manualCount: "integer",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Group id. */
  declare readonly id: number | undefined;
  /** Group name. */
  declare name: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** Permissions as a hex string. */
  declare permissions: string | undefined;
  /** Whether the group is enabled. */
  declare enabled: boolean | undefined;
}
installFields(UserGroup);

/**
 * A user whose writes are trusted (Cb Protection 8.0+). `name`, `userSid`, `description` and
 * `platformId` are required.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, TrustedUser } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const tu = cb.create(TrustedUser, {
 *   name: "CORP\\builder", userSid: "S-1-5-21-1-2-3-1001", description: "build account", platformId: 1,
 * });
 * await tu.save();
 * assert.ok(typeof tu.id === "number");
 * ```
 */
export class TrustedUser extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/trustedUser";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name", "userSid", "description", "platformId"];
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    userSid: "string",
    description: "string",
    platformId: "integer",
    dateCreated: "iso-date-time",
    createdBy: "string",
    createdByUserId: "integer",
    dateModified: "iso-date-time",
    modifiedBy: "string",
    modifiedByUserId: "integer",
    clVersion: "integer",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Trusted user id. */
  declare readonly id: number | undefined;
  /** User name. */
  declare name: string | undefined;
  /** Windows SID. */
  declare userSid: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** Platform: 1 Windows, 2 Mac, 4 Linux. */
  declare platformId: number | undefined;
}
installFields(TrustedUser);

/**
 * A policy permission granted to a user (read-only; Cb Protection 8.0+).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, GrantedUserPolicyPermission } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(GrantedUserPolicyPermission).count() > 0);
 * ```
 */
export class GrantedUserPolicyPermission extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/grantedUserPolicyPermission";
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
