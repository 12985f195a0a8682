/**
 * The seeded Cb Protection data set: computers with file instances, catalog entries,
 * publishers and certificates, policies, approval requests, file rules, connectors with pending
 * analyses, events, users and the smaller collections, all cross-referenced so that every
 * documented example finds what it looks for.
 *
 * @module
 */
import { hashHex, mixSeed, Rng } from "../_rand.ts";
import { iso, miscCollections, table } from "./_data_misc.ts";
import { withRealFields } from "./_real_fields.ts";

/** A JSON document of one Protection object. */
export type ProtectionDoc = Record<string, unknown>;

/** The raw seeded collections, by collection name (the path segment). */
export type SeedCollections = Record<string, ProtectionDoc[]>;

// id, name, enforcement level
// deno-fmt-ignore
const POLICIES: Array<[number, string, number]> = [
  [1, "Default Policy", 30], [2, "Template Policy", 40], [3, "High Enforcement", 20],
  [4, "Visibility Only", 60], [5, "Quarantine", 20],
];

// name, folder, prevalence, publisherId, certificateId, state (1 unapproved, 2 approved, 3 banned)
// deno-fmt-ignore
const FILES: Array<[string, string, number, number, number, number]> = [
  ["notepad.exe", "c:\\windows\\system32", 48, 1, 2, 2],
  ["calc.exe", "c:\\windows\\system32", 45, 1, 2, 2],
  ["java.exe", "c:\\program files\\java\\jre\\bin", 22, 2, 3, 1],
  ["putty.exe", "c:\\users\\public\\tools", 12, 0, 0, 1],
  ["setup_tool.exe", "c:\\users\\admin\\downloads", 3, 0, 0, 1],
  ["evil.exe", "c:\\users\\admin\\appdata\\local\\temp", 1, 3, 4, 3],
  ["installer.msi", "c:\\users\\admin\\downloads", 15, 2, 3, 1],
  ["updater.exe", "c:\\program files\\vendor", 30, 2, 3, 2],
];

// name, ip, policyId, previousPolicyId, daysOffline, deleted, processorSpeed, template, templateComputerId
// deno-fmt-ignore
const COMPUTERS: Array<[string, string, number, number, number, boolean, number, boolean, number]> = [
  ["DOMAIN\\MYHOSTNAME", "10.201.2.15", 1, 2, 0, false, 3.4, false, 0],
  ["CORP\\WKS-0042", "10.201.2.42", 1, 1, 1, false, 2.6, false, 0],
  ["CORP\\WKS-DUP", "10.201.2.77", 1, 1, 3, false, 2.2, false, 0],
  ["CORP\\WKS-DUP", "10.201.3.77", 1, 1, 41, false, 2.2, false, 0],
  ["CORP\\SRV-DB01", "10.201.5.10", 5, 3, 0, false, 3.9, false, 0],
  ["CORP\\LAPTOP-17", "192.168.1.17", 5, 1, 2, false, 1.8, false, 0],
  ["CORP\\OLD-PC", "10.201.9.9", 1, 1, 400, true, 1.2, false, 0],
  ["CORP\\GOLD-IMAGE", "10.201.2.200", 2, 2, 0, false, 3.0, true, 0],
  ["CORP\\VDI-001", "10.201.2.201", 2, 2, 0, false, 3.0, false, 8],
];

/**
 * Bytes of a seeded download: a small PE-looking file starting with `MZ`.
 *
 * @param name The file name (part of the content).
 * @returns The bytes.
 */
export function fileContent(name: string): Uint8Array {
  return new TextEncoder().encode(`MZ\u0090\u0000 emulated content of ${name} `.repeat(8));
}

function catalogDoc(id: number, spec: (typeof FILES)[number], rng: Rng): ProtectionDoc {
  const [name, path, prevalence, publisherId, certificateId, state] = spec;
  const hash = (alg: string) => hashHex(alg, name).toUpperCase();
  return {
    id,
    dateCreated: iso(-24 * id),
    pathName: path,
    fileName: name,
    fileExtension: name.split(".").pop(),
    computerId: 1 + (id % 3),
    md5: hash("md5"),
    sha1: hash("sha1"),
    sha256: hash("sha256"),
    sha256HashType: 5,
    fileType: name.endsWith(".msi") ? "Installer" : "Application",
    fileSize: 20_000 + rng.int(0, 500_000),
    productName: name.replace(/\.\w+$/, ""),
    publisherOrCompany: publisherId ? `Publisher ${publisherId}` : "",
    publisherId,
    certificateId,
    productVersion: `${rng.int(1, 10)}.${rng.int(0, 9)}`,
    reputationAvailable: true,
    threat: state === 3 ? 100 : 0,
    trust: state === 3 ? 0 : 8,
    prevalence,
    fileFlags: 0,
    effectiveState: ["", "Unapproved", "Approved", "Banned"][state],
    approvedByReputation: state === 2,
    reputationEnabled: true,
    fileState: state,
    publisherState: 1,
    certificateState: 1,
  };
}

function computerDoc(id: number, spec: (typeof COMPUTERS)[number]): ProtectionDoc {
  const [name, ip, policyId, previousPolicyId, daysOffline, deleted, speed, template, tmplId] =
    spec;
  const policy = POLICIES.find(([pid]) => pid === policyId)!;
  return {
    id,
    name,
    computerTag: "",
    description: "",
    policyId,
    previousPolicyId,
    policyName: policy[1],
    automaticPolicy: false,
    localApproval: false,
    users: "CORP\\user",
    ipAddress: ip,
    macAddress: `00:50:56:00:00:${id.toString(16).padStart(2, "0")}`,
    connected: daysOffline === 0,
    enforcementLevel: policy[2],
    disconnectedEnforcementLevel: policy[2],
    CLIPassword: "",
    lastRegisterDate: iso(-48),
    lastPollDate: iso(-24 * daysOffline),
    osShortName: "Windows 10",
    osName: "Windows 10 Enterprise x64 (10.0.14393)",
    platformId: 1,
    virtualized: "Yes",
    dateCreated: iso(-24 * 90 + id),
    agentVersion: "8.0.0.2562",
    daysOffline,
    uninstalled: false,
    deleted,
    processorCount: 4,
    processorSpeed: speed,
    processorModel: "Intel(R) Xeon(R) CPU",
    machineModel: "VMware Virtual Platform",
    memorySize: 8192,
    debugLevel: 0,
    kernelDebugLevel: 0,
    debugFlags: 0,
    debugDuration: 0,
    ccLevel: 0,
    ccFlags: 0,
    tamperProtectionActive: true,
    template,
    templateComputerId: tmplId,
    templateCloneCleanupMode: 1,
    templateCloneCleanupTime: 4,
    templateCloneCleanupTimeScale: 1,
    templateTrackModsOnly: false,
    isActive: !deleted,
    hasDuplicates: name === "CORP\\WKS-DUP",
  };
}

function policyDoc(
  [id, name, level]: (typeof POLICIES)[number],
  computers: ProtectionDoc[],
): ProtectionDoc {
  const members = computers.filter((c) => c.policyId === id);
  return {
    id,
    name,
    description: `${name} (emulated)`,
    packageName: `Policy${id}`,
    enforcementLevel: level,
    disconnectedEnforcementLevel: level,
    helpDeskUrl: "",
    imageUrl: "",
    dateCreated: iso(-2000 + id),
    createdByUserId: 1,
    dateModified: iso(-100 + id),
    modifiedByUserId: 1,
    readOnly: false,
    hidden: false,
    automatic: false,
    loadAgentInSafeMode: true,
    reputationEnabled: true,
    fileTrackingEnabled: true,
    customLogo: false,
    automaticApprovalsOnTransition: false,
    allowAgentUpgrades: true,
    totalComputers: members.length,
    connectedComputers: members.filter((c) => c.connected).length,
    atEnforcementComputers: 0,
    clVersionMax: 100,
  };
}

const PENDING_COLUMNS = ["id", "connectorId", "fileCatalogId", "fileAnalysisId", "computerId"];

function pendingDoc(
  id: number,
  connectorId: number,
  catalog: ProtectionDoc,
  uploaded: boolean,
): ProtectionDoc {
  const [doc] = table(PENDING_COLUMNS, [[id, connectorId, catalog.id, id, catalog.computerId]]);
  return {
    ...doc,
    fileName: catalog.fileName,
    pathName: catalog.pathName,
    md5: catalog.md5,
    sha1: catalog.sha1,
    sha256: catalog.sha256,
    priority: 0,
    uploaded,
    uploadPath: uploaded ? `\\\\server\\uploads\\${catalog.fileName}` : "",
    analysisStatus: 1,
    analysisResult: 0,
    dateCreated: iso(-2),
    dateModified: iso(-1),
  };
}

/**
 * Pending analyses the server queues for a newly registered analysis connector: one uploaded
 * file and one still waiting for its upload.
 *
 * @param firstId The id of the first new row.
 * @param connectorId The connector.
 * @param catalog The catalog collection.
 * @returns The new rows.
 */
export function pendingForConnector(
  firstId: number,
  connectorId: number,
  catalog: ProtectionDoc[],
): ProtectionDoc[] {
  const a = catalog.find((c) => c.fileName === "setup_tool.exe") ?? catalog[0]!;
  const b = catalog.find((c) => c.fileName === "putty.exe") ?? catalog[0]!;
  return [
    pendingDoc(firstId, connectorId, a, true),
    pendingDoc(firstId + 1, connectorId, b, false),
  ];
}

function fileInstances(computers: ProtectionDoc[], catalog: ProtectionDoc[]): ProtectionDoc[] {
  const out: ProtectionDoc[] = [];
  for (const comp of computers) {
    const cid = comp.id as number;
    FILES.forEach(([name, path, , , certificateId, state], i) => {
      if ((cid + i) % 3 === 2 && i !== 5) return;
      out.push({
        id: out.length + 1,
        fileCatalogId: catalog[i]!.id,
        fileInstanceGroupId: 1 + (i % 2),
        computerId: cid,
        policyId: comp.policyId,
        dateCreated: iso(-24 * (i + 1)),
        fileName: name,
        pathName: path,
        executed: i % 2 === 0,
        localState: state,
        detailedLocalState: state,
        detachedPublisherId: 0,
        detachedCertificateId: 0,
        topLevel: true,
        initialized: true,
        certificateId,
      });
    });
  }
  return out;
}

/**
 * Builds the seeded collections.
 *
 * @param seed The seed of the data set.
 * @param serverVersion The `ParityServerVersion` to report.
 * @returns The collections.
 */
export function seedCollections(seed: number, serverVersion: string): SeedCollections {
  const rng = new Rng(mixSeed("protection", seed));
  const fileCatalog = FILES.map((f, i) => catalogDoc(i + 1, f, rng));
  const computer = COMPUTERS.map((c, i) => computerDoc(i + 1, c));
  const misc = miscCollections(serverVersion, {
    evilSha256: String(fileCatalog[5]!.sha256),
    notepadSha256: String(fileCatalog[0]!.sha256),
  });
  return withRealFields({
    ...misc,
    policy: POLICIES.map((p) => policyDoc(p, computer)),
    computer,
    fileCatalog,
    fileInstance: fileInstances(computer, fileCatalog),
    pendingAnalysis: [
      pendingDoc(1, 2, fileCatalog[3]!, true),
      pendingDoc(2, 2, fileCatalog[4]!, true),
      pendingDoc(3, 2, fileCatalog[6]!, false),
    ],
  });
}
