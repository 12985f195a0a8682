/**
 * The fields a real Cb Protection (App Control) server sends that the seeded tables leave out,
 * added to every seeded document that lacks them, with values like a real server's (field lists
 * of the App Control REST API reference and recorded answers: see
 * `reference/model-fields.md`). Values that follow from the document are derived from it.
 *
 * @module
 */
import type { ProtectionDoc } from "./_data.ts";
import { iso } from "./_data_misc.ts";

type Filler = (doc: ProtectionDoc) => Record<string, unknown>;

const AUDIT = (doc: ProtectionDoc) => ({
  createdBy: "admin",
  createdByUserId: 1,
  dateModified: doc.dateCreated ?? iso(-1),
  modifiedBy: "admin",
  modifiedByUserId: 1,
});

/** Creation fields of analyses and uploads (no `modifiedBy` on these). */
const CREATED = (doc: ProtectionDoc) => ({
  createdBy: "admin",
  createdByUserId: 1,
  dateModified: doc.dateCreated ?? iso(-1),
});

// deno-fmt-ignore
const FILLERS: Record<string, Filler> = {
  approvalRequest: (d) => ({
    ...AUDIT(d), createdBy: String(d.requestorEmail ?? "").split("@")[0], customRuleId: 0,
    enforcementLevel: 20, fileName: "", multipleBlocks: false, pathName: "", policyId: 1,
    process: "", requestType: 1, resolutionComments: "",
  }),
  certificate: (d) => ({
    certificateEffectiveState: d.certificateState, clVersion: 1, cosigner: false,
    dateModified: d.dateCreated, description: "", detached: false, embedded: true,
    intermediary: d.parentCertificateId !== 0, modifiedByUser: "", publicKeyAlgorithm: "RSA",
    publicKeySize: 2048, serialNumber: `61${String(d.id).padStart(14, "0")}`,
    signatureAlgorithm: "sha256RSA", signer: d.parentCertificateId !== 0, sourceType: 1,
    thumbprint: `${String(d.id).padStart(2, "0")}A1B2C3D4E5F60718293A4B5C6D7E8F9012345`,
    thumbprintAlgorithm: "SHA1", valid: true, validFrom: iso(-24 * 800), validTo: iso(24 * 800),
  }),
  computer: (d) => ({
    SCEPStatus: 0, activeDebugFlags: 0, activeDebugLevel: 0, activeKernelDebugLevel: 0,
    agentCacheSize: 2048, agentMemoryDumps: 0, agentQueueSize: 0, cbSensorFlags: 0, cbSensorId: 0,
    cbSensorVersion: "", clVersion: 1024 + Number(d.id), forceUpgrade: false,
    hasHealthCheckErrors: false, initPercent: 100, initializing: false,
    policyStatus: d.connected ? "Up To Date" : "Out Of Date",
    policyStatusDetails: d.connected ? "" : "Computer is disconnected", prioritized: false,
    refreshFlags: 0, supportedKernel: true, syncFlags: 0, syncPercent: 100, systemMemoryDumps: 0,
    tdCount: 0, templateDate: d.template ? iso(-24 * 30) : null, upgradeError: "",
    upgradeErrorCount: 0, upgradeErrorTime: null, upgradeStatus: "Up to date",
    virtualPlatform: d.virtualized === "Yes" ? "VMware" : "",
  }),
  event: (d) => ({
    banName: d.subtype === 801 ? "Ban evil.exe" : "", commandLine: "", indicatorName: "",
    installerFileCatalogId: 0, installerFileName: "", param1: "", param2: "", param3: "",
    processFileCatalogId: 0, processFileName: "explorer.exe",
    processKey: `00000000-0000-${String(d.id).padStart(4, "0")}-0000-000000000000`,
    processPathName: "c:\\windows", ruleName: "", stringId: Number(d.subtype) * 10,
    updaterName: "",
  }),
  fileAnalysis: (d) => ({ ...CREATED(d), analysisTarget: "win7x86", pathName: "" }),
  fileCatalog: (d) => ({
    acknowledged: false, category: "", clVersion: 100 + Number(d.id),
    company: d.publisherOrCompany, dateModified: d.dateCreated, description: "",
    dirtyPrevalence: "", globalStateDetails: "", initialized: true, installedProgramName: "",
    nodeType: 0, publisher: d.publisherOrCompany, stateSource: "Reputation",
    transactionId: `${String(d.id).padStart(8, "0")}-0000-0000-0000-000000000000`,
    trustMessages: "", unifiedSource: "", verdict: Number(d.threat) > 0 ? "Malicious" : "Clean",
  }),
  fileInstance: () => ({ unifiedSource: "" }),
  fileInstanceDeleted: () => ({
    dateCreated: iso(-24 * 10), detachedCertificateId: 0, detachedPublisherId: 0,
    fileInstanceGroupId: 2,
  }),
  fileInstanceGroup: (d) => ({
    fileCatalogId: 0, fileName: "", groupType: 1, installedProgramName: d.name, pathName: "",
    userName: "CORP\\user",
  }),
  fileUpload: (d) => ({ ...CREATED(d), uploadPath: `\\\\server\\uploads\\${d.fileName}` }),
  pendingAnalysis: (d) => ({
    analysisError: "", analysisTarget: "win7x86", createdBy: "admin",
    uploadedFileSize: d.uploaded ? 20_480 : 0,
  }),
  publisher: (d) => ({
    clVersion: 1, dateModified: d.dateCreated, description: "", firstSeenComputerId: 1,
    hidden: false, modifiedBy: "", platformFlags: 1, policyIds: "",
    reputationApprovalsEnabled: false, signedCertificateCount: 1, sourceType: 1,
  }),
  serverConfig: () => ({ dateModified: iso(-24 * 100), modifiedBy: "System" }),
  updater: (d) => ({
    clVersion: 1, createdBy: "System", dateCreated: iso(-24 * 200 + Number(d.id)),
    dateModified: iso(-24 * 100 + Number(d.id)), modifiedBy: "System", version: String(d.version),
  }),
  user: () => ({
    title: "", salutation: "", homePhone: "", cellPhone: "", backupCellPhone: "", pager: "",
    backupPager: "", comments: "", adminComments: "",
  }),
};

/**
 * Adds the real server's fields that a seeded document lacks (never overwriting one it has).
 *
 * @param collections The seeded collections, changed in place.
 * @returns The same collections.
 */
export function withRealFields(
  collections: Record<string, ProtectionDoc[]>,
): Record<string, ProtectionDoc[]> {
  for (const [name, fill] of Object.entries(FILLERS)) {
    for (const doc of collections[name] ?? []) {
      for (const [k, v] of Object.entries(fill(doc))) if (!(k in doc)) doc[k] = v;
    }
  }
  return collections;
}
