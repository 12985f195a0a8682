/**
 * The smaller seeded Protection collections, written as tables (column names, then one row per
 * object) so that the data set stays readable.
 *
 * @module
 */
import type { ProtectionDoc } from "./_data.ts";

const BASE_TIME = Date.UTC(2017, 5, 1, 12, 0, 0);

/**
 * An ISO time relative to the data set's reference time.
 *
 * @param offsetHours Hours after (negative: before) 2017-06-01T12:00:00Z.
 * @returns The time text.
 */
export function iso(offsetHours: number): string {
  return new Date(BASE_TIME + offsetHours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Builds documents from a table.
 *
 * @param columns The field names.
 * @param rows One value per column for each document.
 * @returns The documents.
 */
export function table(columns: readonly string[], rows: readonly unknown[][]): ProtectionDoc[] {
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

/** The hashes of one catalog entry, for rules and uploads. */
export interface CatalogHashes {
  /** SHA-256 of evil.exe. */
  evilSha256: string;
  /** SHA-256 of notepad.exe. */
  notepadSha256: string;
}

/**
 * The collections that are not built from the file and computer lists.
 *
 * @param serverVersion The `ParityServerVersion`.
 * @param hashes Hashes the file rules refer to.
 * @returns The collections by name.
 */
export function miscCollections(
  serverVersion: string,
  hashes: CatalogHashes,
): Record<string, ProtectionDoc[]> {
  const sys = "c:\\windows\\system32";
  const tmp = "c:\\users\\admin\\appdata\\local\\temp";
  const dl = "c:\\users\\admin\\downloads";
  // deno-fmt-ignore
  return {
    serverConfig: table(["id", "name", "value"], [
      [1, "ParityServerVersion", serverVersion],
      [2, "ServerName", "cbprotection.emulator.local"],
      [3, "MaxAgentsPerServer", "100000"],
      [4, "ApiVersion", "v1"],
    ]),
    // The App Control API reference's serverPerformance fields (one sample per hour).
    serverPerformance: table(["id", "dateCreated", "connectedAgents", "agentFileBacklog", "agentProcessingRate", "serverFileBacklog", "serverFiles", "serverProcessingRate", "sqlLatencyMs", "sqlInsertLatencyMs", "sqlMemoryPressure", "diskDataIOPS", "diskDataRead", "diskDataWrite", "diskIndexIOPS", "diskIndexRead", "diskIndexWrite", "diskLogIOPS", "diskLogWrite", "avgDiskDataReadStallMs", "avgDiskDataWriteStallMs", "avgDiskIndexWriteStallMs", "avgDiskLogWriteStallMs"], [
      [1, iso(-1), 7, 0, 120, 3, 2814, 95, 1.2, 0.8, 0.1, 14.5, 1024, 2048, 6.2, 512, 768, 3.1, 256, 0.4, 0.6, 0.5, 0.2],
      [2, iso(0), 8, 2, 131, 0, 2821, 102, 1.5, 0.9, 0.1, 15.1, 1100, 2150, 6.8, 530, 790, 3.3, 270, 0.5, 0.7, 0.5, 0.3],
    ]),
    fileInstanceDeleted: table(["id", "computerId", "fileCatalogId", "fileName", "pathName", "dateDeleted"], [
      [1, 7, 5, "setup_tool.exe", dl, iso(-5)],
      [2, 2, 6, "evil.exe", tmp, iso(-3)],
    ]),
    fileInstanceGroup: table(["id", "computerId", "name", "dateCreated"], [
      [1, 1, "Windows system files", iso(-300)],
      [2, 1, "Downloads", iso(-30)],
    ]),
    publisher: table(["id", "name", "publisherState", "publisherReputation", "signedFilesCount", "dateCreated"], [
      [1, "Microsoft Corporation", 2, 3, 2, iso(-1000)],
      [2, "Oracle America, Inc.", 1, 2, 3, iso(-900)],
      [3, "Unknown Evil Corp", 3, 0, 1, iso(-10)],
    ]),
    certificate: table(["id", "parentCertificateId", "publisherId", "firstSeenComputerId", "subjectName", "certificateState", "dateCreated"], [
      [1, 0, 1, 1, "Microsoft Root Certificate Authority", 2, iso(-1000)],
      [2, 1, 1, 1, "Microsoft Windows", 2, iso(-999)],
      [3, 0, 2, 2, "Oracle America, Inc.", 1, iso(-900)],
      [4, 0, 3, 6, "Unknown Evil Corp", 3, iso(-10)],
    ]),
    publisherCertificate: table(["id", "publisherId", "certificateId"], [[1, 1, 1], [2, 1, 2], [3, 2, 3]]),
    approvalRequest: table(["id", "fileCatalogId", "installerFileCatalogId", "processFileCatalogId", "computerId", "computerName", "status", "resolution", "requestorEmail", "requestorComments", "dateCreated", "priority"], [
      [1, 4, 7, 1, 2, "CORP\\WKS-0042", 2, 0, "user@corp.example", "Need putty for work", iso(-6), 1],
      [2, 5, 0, 1, 6, "CORP\\LAPTOP-17", 1, 0, "sales@corp.example", "Setup tool", iso(-4), 2],
      [3, 3, 7, 1, 1, "DOMAIN\\MYHOSTNAME", 3, 2, "dev@corp.example", "", iso(-50), 0],
    ]),
    fileRule: table(["id", "fileCatalogId", "name", "description", "fileState", "sourceType", "sourceId", "reportOnly", "reputationApprovalsEnabled", "forceInstaller", "forceNotInstaller", "policyIds", "hash", "platformFlags", "dateCreated", "createdBy", "createdByUserId", "dateModified", "modifiedBy", "modifiedByUserId", "clVersion", "idUnique", "origIdUnique", "unifiedFlag", "unifiedSource", "version", "lazyApproval", "visible", "fileName", "fileRuleType"], [
      [1, 6, "Ban evil.exe", "Known malware", 3, 1, 0, false, false, false, false, "0", hashes.evilSha256, 1, iso(-10), "admin", "1", iso(-10), "admin", 1, 10, "ea2b4a2c-1", "", 0, "", 1, false, true, "evil.exe", "Ban"],
      [2, 1, "Approve notepad", "", 2, 1, 0, false, false, false, false, "1,2", hashes.notepadSha256, 1, iso(-300), "analyst", "2", iso(-300), "analyst", 2, 3, "ea2b4a2c-2", "", 0, "", 1, false, true, "notepad.exe", "Approve"],
    ]),
    user: table(["id", "name", "userGroupIds", "eMailAddress", "firstName", "lastName", "department", "passwordHash", "passwordSalt", "apiToken", "readOnly", "external", "automatic", "unified", "enabled", "registrationDate"], [
      [1, "admin", "1", "admin@corp.example", "Ada", "Admin", "IT", "9f86d081884c7d659a2feaa0c55ad015", "c2FsdA==", "B7A1C0DE-0000-4000-8000-00000000ADM1", false, false, false, false, true, iso(-3000)],
      [2, "analyst", "2", "analyst@corp.example", "Ann", "Alyst", "SOC", "", "", "", true, false, false, false, true, iso(-200)],
    ]),
    userGroup: table(["id", "name", "description", "permissions", "policyIds", "enabled", "editable", "dateCreated", "createdBy", "createdByUserId", "dateModified", "modifiedBy", "modifiedByUserId", "automaticCount", "manualCount"], [
      [1, "Admins", "Full access", "FFFFFFFF", "0", true, false, iso(-3000), "system", 0, iso(-3000), "system", 0, 0, 1],
      [2, "Read Only", "View only", "1", "0", true, true, iso(-3000), "system", 0, iso(-3000), "system", 0, 0, 1],
    ]),
    trustedUser: table(["id", "name", "userSid", "description", "platformId", "dateCreated", "createdBy", "createdByUserId", "dateModified", "modifiedBy", "modifiedByUserId", "clVersion"], [
      [1, "CORP\\sccm", "S-1-5-21-1004336348-1177238915-682003330-1105", "SCCM service", 1, iso(-500), "admin", 1, iso(-500), "admin", 1, 4],
    ]),
    grantedUserPolicyPermission: table(["id", "userId", "userName", "policyId", "policyName", "permissions"], [
      [1, 2, "analyst", 1, "Default Policy", "1"],
      [2, 2, "analyst", 5, "Quarantine", "1"],
    ]),
    connector: table(["id", "name", "analysisName", "connectorVersion", "canAnalyze", "analysisTargets", "analysisEnabled", "enabled", "isInternal"], [
      [1, "Cb Collective Defense Cloud", "Cb CDC", "8.0", false, [], false, true, true],
      [2, "WildFire", "Palo Alto Networks WildFire", "2.1", true, ["win7x86"], true, true, false],
    ]),
    fileAnalysis: table(["id", "connectorId", "fileCatalogId", "computerId", "fileName", "analysisStatus", "analysisResult", "priority", "dateCreated"], [
      [1, 2, 4, 2, "putty.exe", 3, 1, 0, iso(-20)],
      [2, 2, 6, 6, "evil.exe", 3, 3, 0, iso(-9)],
    ]),
    fileUpload: table(["id", "computerId", "fileCatalogId", "fileName", "pathName", "uploadStatus", "uploadedFileSize", "priority", "dateCreated"], [
      [1, 1, 1, "notepad.exe", sys, 3, 0, 2, iso(-7)],
      [2, 6, 6, "evil.exe", tmp, 3, 0, 2, iso(-3)],
    ]),
    notification: [],
    event: table(["id", "timestamp", "receivedTimestamp", "description", "type", "subtype", "subtypeName", "ipAddress", "computerId", "computerName", "policyId", "policyName", "fileCatalogId", "fileName", "pathName", "severity", "userName"], [
      [1, iso(-3), iso(-3), "File 'evil.exe' was blocked because it is banned", 1, 801, "Execution block (banned file)", "192.168.1.17", 6, "CORP\\LAPTOP-17", 5, "Quarantine", 6, "evil.exe", tmp, 2, "CORP\\sales"],
      [2, iso(-2), iso(-2), "File 'setup_tool.exe' was blocked because it is unapproved", 1, 802, "Execution block (unapproved file)", "10.201.2.42", 2, "CORP\\WKS-0042", 1, "Default Policy", 5, "setup_tool.exe", dl, 4, "CORP\\user"],
      [3, iso(-1), iso(-1), "Computer 'DOMAIN\\MYHOSTNAME' connected", 0, 400, "Computer connected", "10.201.2.15", 1, "DOMAIN\\MYHOSTNAME", 1, "Default Policy", 0, "", "", 6, ""],
      [4, iso(0), iso(0), "File 'evil.exe' was blocked because it is banned", 1, 801, "Execution block (banned file)", "10.201.2.42", 2, "CORP\\WKS-0042", 1, "Default Policy", 6, "evil.exe", tmp, 2, "CORP\\user"],
    ]),
    notifier: table(["id", "name", "title", "messageText", "eventLogText", "url", "logoUrl", "showLogo", "bgImageLocation", "fgImageLocation", "timeout", "flags", "systemNotifier", "defaultRuleGroupId", "defaultRuleType", "usageCount", "clVersion", "dateCreated", "createdBy", "dateModified", "modifiedBy"], [
      [1, "Banned file blocked", "Cb Protection blocked a banned file", "The file $FILENAME$ is banned and was blocked.", "Banned file $FILENAME$ blocked", "", "", true, "", "", 60, 0, true, 0, 0, 3, 1, iso(-3000), "System", iso(-3000), "System"],
      [2, "Agent health", "Cb Protection agent needs attention", "Contact the help desk.", "Agent health warning", "https://helpdesk.corp.example", "", false, "", "", 0, 0, false, 0, 0, 1, 2, iso(-500), "admin", iso(-400), "admin"],
    ]),
    meteredExecution: table(["id", "computerId", "fileCatalogId", "meterId", "eventId", "name", "description", "type", "data", "timestamp", "userName"], [
      [1, 1, 3, 1, 3, "Java", "Metered execution of java.exe", 1, "c:\\program files\\java\\jre\\bin\\java.exe", iso(-1), "CORP\\user"],
      [2, 2, 3, 1, 4, "Java", "Metered execution of java.exe", 1, "c:\\program files\\java\\jre\\bin\\java.exe", iso(-2), "CORP\\user"],
    ]),
    driftReport: table(["id", "name", "baselineId", "targetType", "dateCreated"], [[1, "Baseline drift", 8, 1, iso(-12)]]),
    driftReportContents: table(["id", "reportId", "fileCatalogId", "fileName", "computerCount"], [
      [1, 1, 4, "putty.exe", 3],
      [2, 1, 5, "setup_tool.exe", 1],
      [3, 1, 7, "installer.msi", 2],
    ]),
    updater: table(["id", "name", "enabled", "version", "platformFlags"], [
      [1, "Microsoft Windows Update", true, 1, 1],
      [2, "Oracle Java Updater", true, 1, 1],
      [3, "Adobe Reader Updater", false, 1, 3],
    ]),
    scriptRule: table(["id", "name", "extensions", "interpreters", "enabled"], [
      [1, "PowerShell", "ps1", "powershell.exe", true],
      [2, "VBScript", "vbs", "wscript.exe,cscript.exe", true],
    ]),
    trustedDirectory: table(["id", "computerId", "path", "description", "enabled"], [
      [1, 1, "\\\\fileserver\\software", "Approved software share", true],
    ]),
  };
}
