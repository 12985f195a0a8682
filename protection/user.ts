/**
 * Cb Protection console users, user groups, trusted users and granted policy permissions
 * (Cb Protection 8.0 and later).
 *
 * @module
 */

import {
  type FieldValues,
  type IdKind,
  Model,
  MutableModel,
  type WritableFieldValues,
} from "../core/mod.ts";
import { installFields } from "../core/_internal.ts";
import { redactDisplay } from "./_util.ts";
import type { CbProtectionAPI } from "./api.ts";

const USER_SECRETS = ["apiToken", "passwordHash", "passwordSalt"];

/** The typed document fields of {@linkcode User}, declared once in `User.fields`. */
export interface User extends WritableFieldValues<typeof User.fields, never, "id"> {}

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
export class User extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/user";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** User id. */
    id: "integer",
    /** Login name. */
    name: "string",
    /** Comma-separated user group ids. */
    userGroupIds: "string",
    /** E-mail address. */
    eMailAddress: "string",
    /** First name. */
    firstName: "string",
    /** Last name. */
    lastName: "string",
    /** Title (`title`, text). */
    title: "string",
    /** Salutation (`salutation`, text). */
    salutation: "string",
    /** Department (`department`, text). */
    department: "string",
    /** Home phone (`homePhone`, text). */
    homePhone: "string",
    /** Cell phone (`cellPhone`, text). */
    cellPhone: "string",
    /** Backup cell phone (`backupCellPhone`, text). */
    backupCellPhone: "string",
    /** Pager (`pager`, text). */
    pager: "string",
    /** Backup pager (`backupPager`, text). */
    backupPager: "string",
    /** Comments (`comments`, text). */
    comments: "string",
    /** Admin comments (`adminComments`, text). */
    adminComments: "string",
    /** Password hash (`passwordHash`, text). */
    passwordHash: "string",
    /** Password salt (`passwordSalt`, text). */
    passwordSalt: "string",
    /** Api token (`apiToken`, text). */
    apiToken: "string",
    /** Read only (`readOnly`, flag). */
    readOnly: "boolean",
    /** External (`external`, flag). */
    external: "boolean",
    /** Automatic (`automatic`, flag). */
    automatic: "boolean",
    /** Unified (`unified`, flag). */
    unified: "boolean",
    /** Whether the user may log in. */
    enabled: "boolean",
    /** Registration date (`registrationDate`, date, raw text with `getRaw`). */
    registrationDate: "iso-date-time",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The change-tracking display, with the API token and password hash hidden. */
  override toString(): string {
    return redactDisplay(super.toString(), USER_SECRETS);
  }
}
installFields(User);

/** The typed document fields of {@linkcode UserGroup}, declared once in `UserGroup.fields`. */
export interface UserGroup extends WritableFieldValues<typeof UserGroup.fields, never, "id"> {}

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
export class UserGroup extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/userGroup";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Group id. */
    id: "integer",
    /** Group name. */
    name: "string",
    /** Description. */
    description: "string",
    /** Permissions as a hex string. */
    permissions: "string",
    /** Policy ids (`policyIds`, text). */
    policyIds: "string",
    /** Enabled (`enabled`, flag). */
    enabled: "boolean",
    /** Editable (`editable`, flag). */
    editable: "boolean",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Modified by user id (`modifiedByUserId`, integer). */
    modifiedByUserId: "integer",
    /** Automatic count (`automaticCount`, integer). */
    automaticCount: "integer",
    /** Manual count (`manualCount`, integer). */
    manualCount: "integer",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(UserGroup);

/** The typed document fields of {@linkcode TrustedUser}, declared once in `TrustedUser.fields`. */
export interface TrustedUser extends WritableFieldValues<typeof TrustedUser.fields, never, "id"> {}

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
export class TrustedUser extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/trustedUser";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name", "userSid", "description", "platformId"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Trusted user id. */
    id: "integer",
    /** User name. */
    name: "string",
    /** Windows SID. */
    userSid: "string",
    /** Description. */
    description: "string",
    /** Platform id (`platformId`, integer). */
    platformId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Modified by user id (`modifiedByUserId`, integer). */
    modifiedByUserId: "integer",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(TrustedUser);

/** The typed document fields of {@linkcode GrantedUserPolicyPermission}, declared once in `GrantedUserPolicyPermission.fields`. */
export interface GrantedUserPolicyPermission
  extends FieldValues<typeof GrantedUserPolicyPermission.fields> {}

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
export class GrantedUserPolicyPermission extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/grantedUserPolicyPermission";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Id (`id`, integer). */
    id: "integer",
    /** Permissions (`permissions`, text). */
    permissions: "string",
    /** Policy id (`policyId`, integer). */
    policyId: "integer",
    /** Policy name (`policyName`, text). */
    policyName: "string",
    /** User id (`userId`, integer). */
    userId: "integer",
    /** User name (`userName`, text). */
    userName: "string",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(GrantedUserPolicyPermission, { writable: false });
