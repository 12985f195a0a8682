/**
 * The `.proto` text of the raw sensor events, Carbon Black's `CbEventMsg` schema (the same text
 * as `events/sensor_events.proto`).
 *
 * @module
 */

/**
 * The `.proto` text of the sensor events (proto2; message `CbEventMsg`): every message, field and
 * enum value of Carbon Black's schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SENSOR_EVENTS_PROTO } from "@cbapi/cbapi/events";
 * assert.match(SENSOR_EVENTS_PROTO, /optional CbProcessBlockedMsg blocked = 16;/);
 * ```
 */
export const SENSOR_EVENTS_PROTO: string =
  `// Raw Cb Response sensor events (routing keys ingress.event.*): Carbon Black's CbEventMsg schema,
// every message, field and enum value (as published with their event forwarder; the Python cbapi
// ships the same schema as sensor_events.py). Field numbers are the wire's; fields a newer sensor
// adds are skipped when decoding. Kept identical to SENSOR_EVENTS_PROTO in
// events/sensor_events.ts (a test checks it).
syntax = "proto2";

message CbHeaderMsg {
  required int32 version = 1;
  optional int32 bootid = 2;                         // deprecated by the sensor
  optional int32 eventid = 3;                        // deprecated by the sensor
  optional int64 timestamp = 4;                      // FILETIME
  optional int64 process_guid = 5;
  optional int64 filepath_string_guid = 6;           // key into CbEventMsg.strings
  optional uint32 magic = 7;
  optional int64 process_filepath_string_guid = 8;
  optional int64 process_create_time = 9;            // FILETIME
  optional int32 process_pid = 10;
  optional bytes process_md5 = 11;
  optional string process_path = 12;
  optional int32 fork_pid = 13;
  optional bytes process_sha256 = 14;
}

message CbStringMsg {
  enum CbStringType {
    typeFilepath = 1;
    typeRegpath = 2;
    typeNetpath = 3;
  }
  optional int64 guid = 1;
  optional bytes utf8string = 2;
  optional CbStringType string_type = 3;
}

message CbProcessMsg {
  optional int32 pid = 1;
  optional bool created = 2;                         // false: the process exits
  optional int32 parent_pid = 3;
  optional int64 parent_create_time = 4;
  optional int64 parent_guid = 5;
  optional bytes md5hash = 6;
  optional bool have_seen_before = 7;
  optional int64 deprecated = 8;
  optional bytes commandline = 9;
  optional bytes parent_md5 = 10;
  optional string parent_path = 11;
  optional bool creationobserved = 12;
  optional bool expect_followon_w_md5 = 13;
  optional string uid = 14;
  optional string username = 15;
  repeated CbEmetMitigationAction actions = 16;
  optional bool actionsAreFromGPO = 17;
  optional bool bFilteringKnownDlls = 18;
  optional bytes sha256hash = 19;
  optional bytes parent_sha256 = 20;
  optional int32 logon_type = 21;
}

message CbSuppressedInfo {
  enum CbSuppressedProcessState {
    suppressedEventlessModloads = 1;
    suppressedEventlessWithXproc = 2;
  }
  optional bool bIsSuppressed = 1;
  optional CbSuppressedProcessState state = 2;
}

message CbChildProcessMsg {
  enum CbChildProcType {
    childProcExec = 0;
    childProcFork = 1;
    childProcOtherExec = 2;
  }
  optional bool created = 1;
  optional int64 parent_guid = 2;
  optional bytes md5hash = 3;
  optional int64 child_guid = 4;
  optional string path = 5;
  optional int64 pid = 6;
  optional int64 create_time = 7;
  optional bool tamper = 8;
  optional CbSuppressedInfo suppressed = 9;
  optional bytes commandline = 10;
  optional string username = 11;
  optional CbChildProcType childProcType = 12;
  optional bool tamper_sent = 13;
  optional bytes sha256hash = 14;
}

message CbModuleLoadMsg {
  optional int64 guid = 1;
  optional int64 handlepath_string_guid = 2;         // key into CbEventMsg.strings
  optional bytes md5hash = 3;
  optional int32 scanid = 4;
  optional bool is_process_base_module = 5;
  optional int64 image_base = 6;
  optional uint32 image_size = 7;
  optional bytes sha256hash = 8;
}

message CbFileModMsg {
  enum CbFileModAction {
    actionFileModCreate = 1;
    actionFileModWrite = 2;
    actionFileModDelete = 4;
    actionFileModLastWrite = 8;
    actionFileModOpen = 16;
  }
  // The file type codes the sensor sends in "type" (its own headers carry the same list). The
  // schema also names filetypeMsLnk, filetypeFlashFlv and filetypeFlashSwf; their codes are not
  // confirmed by a source at hand, so "type" is decoded as its number (nothing is lost) and
  // FILE_TYPE_NAMES in events/sensor_events.ts names the codes below.
  enum CbFileType {
    filetypeUnknown = 0;
    filetypePe = 1;
    filetypeElf = 2;
    filetypeUniversalBin = 3;
    filetypeEicar = 8;
    filetypeOfficeLegacy = 16;
    filetypeOfficeOpenXml = 17;
    filetypePdf = 48;
    filetypeArchivePkzip = 64;
    filetypeArchiveLzh = 65;
    filetypeArchiveLzw = 66;
    filetypeArchiveRar = 67;
    filetypeArchiveTar = 68;
    filetypeArchive7zip = 69;
  }
  optional int64 guid = 1;
  optional CbFileModAction action = 2;
  optional bool have_seen_before = 3;
  optional bytes md5hash = 4;
  optional int32 type = 5;                           // a CbFileType code
  optional bool tamper = 6;
  optional bool tamper_sent = 7;
  optional bytes sha256hash = 8;
}

message CbRegModMsg {
  enum CbRegModAction {
    actionRegModCreateKey = 1;
    actionRegModWriteValue = 2;
    actionRegModDeleteKey = 4;
    actionRegModDeleteValue = 8;
  }
  optional int64 guid = 1;
  optional CbRegModAction action = 2;
  optional bool have_seen_before = 3;
  optional bytes utf8_regpath = 4;                   // key path, value name appended for values
  optional bool tamper = 5;
  optional bool tamper_sent = 6;
}

message CbNetConnMsg {
  enum ProtocolType {
    ProtoTcp = 6;
    ProtoUdp = 17;
  }
  optional int64 guid = 1;
  optional uint32 ipv4Address = 2;
  optional uint64 ipv6LoPart = 3;
  optional uint64 ipv6HiPart = 4;
  optional uint32 port = 5;
  optional ProtocolType protocol = 6;
  optional bytes utf8_netpath = 7;
  optional bool outbound = 8;
  optional bool proxyConnection = 9;
  optional uint32 proxyIpv4Address = 10;
  optional uint32 proxyPort = 11;
  optional string proxyNetPath = 12;
  optional uint32 remoteIpAddress = 13;
  optional uint32 remotePort = 14;
  optional uint32 localIpAddress = 15;
  optional uint32 localPort = 16;
}

message CbIpAddr {
  optional bool bIsIpv6 = 1;
  optional uint32 ipv4Address = 2;
  optional uint64 ipv6Low = 3;
  optional uint64 ipv6High = 4;
  optional string ipv6Scope = 5;
}

message CbNetConnMsgv2 {
  enum ProtocolType {
    ProtoTcp = 6;
    ProtoUdp = 17;
  }
  optional ProtocolType protocol = 1;
  optional bytes utf8_netpath = 2;
  optional bool outbound = 3;
  optional bool proxyConnection = 4;
  optional CbIpAddr proxyIpAddress = 5;
  optional uint32 proxyPort = 6;
  optional string proxyNetPath = 7;
  optional CbIpAddr remoteIpAddress = 8;
  optional uint32 remotePort = 9;
  optional CbIpAddr localIpAddress = 10;
  optional uint32 localPort = 11;
  optional string ja3 = 12;
  optional string ja3s = 13;
}

message CbNetConnBlockedMsgv2 {
  enum NetconnBlockType {
    NetworkIsolation = 1;
  }
  enum ProtocolType {
    ProtoTcp = 6;
    ProtoUdp = 17;
  }
  optional NetconnBlockType blockedType = 1;
  optional uint32 port = 2;
  optional ProtocolType protocol = 3;
  optional bytes utf8_netpath = 4;
  optional bool outbound = 5;
  optional bool proxyConnection = 6;
  optional CbIpAddr proxyIpAddress = 7;
  optional uint32 proxyPort = 8;
  optional string proxyNetPath = 9;
  optional CbIpAddr remoteIpAddress = 10;
  optional uint32 remotePort = 11;
  optional CbIpAddr localIpAddress = 12;
  optional uint32 localPort = 13;
  optional string ja3 = 14;
  optional string ja3s = 15;
}

message CbLinStatsMsg {
  optional int32 lin_total = 1;
  optional int32 lin_successful = 2;
  optional int32 lin_no_scanidi = 3;
  optional int32 lin_total_pended = 4;
  optional int32 lin_current_scanid_pended_size = 5;
  optional int32 lin_current_handlepath_pended_size = 6;
  optional int32 lin_current_filepath_pended_size = 7;
}

message CbCrossProcessOpenMsg {
  enum OpenType {
    OpenProcessHandle = 1;
    OpenThreadHandle = 2;
  }
  optional OpenType type = 1;
  optional uint32 targetPid = 2;
  optional uint64 targetProcCreateTime = 3;
  optional uint32 requestedAccess = 4;
  optional string targetProcPath = 5;
  optional bytes targetProcMd5 = 6;
  optional bytes targetProcSha256 = 7;
}

message CbCreateRemoteThreadMsg {
  optional uint32 remoteProcPid = 1;
  optional uint64 remoteProcCreateTime = 2;
  optional string remoteProcPath = 3;
  optional bytes remoteProcMd5 = 4;
  optional bytes remoteProcSha256 = 5;
}

message CbCrossProcessMsg {
  optional CbCrossProcessOpenMsg open = 1;
  optional CbCreateRemoteThreadMsg remotethread = 2;
  optional bool tamper = 3;
  optional bool isTarget = 4;
  optional bool tamper_sent = 5;
}

message CbProcessBlockedMsg {
  enum BlockType {
    MD5Hash = 1;
  }
  enum BlockEvent {
    ProcessCreate = 1;
    RunningProcess = 2;
  }
  enum BlockResult {
    ProcessTerminated = 0;
    NotTerminatedCBProcess = 1;
    NotTerminatedSystemProcess = 2;
    NotTerminatedCriticalSystemProcess = 3;
    NotTerminatedWhitelistedPath = 4;
    NotTerminatedOpenProcessError = 5;
    NotTerminatedTerminateError = 6;
  }
  optional BlockType blockedType = 1;
  optional BlockEvent blockedEvent = 2;
  optional bytes blockedmd5Hash = 3;
  optional string blockedPath = 4;
  optional BlockResult blockResult = 5;
  optional uint32 blockError = 6;
  optional int32 blockedPid = 7;
  optional uint64 blockedProcCreateTime = 8;
  optional string blockedCmdline = 9;
  optional string blockedUid = 10;
  optional string blockedUsername = 11;
}

message CbNetConnBlockedMsg {
  enum NetconnBlockType {
    NetworkIsolation = 1;
  }
  enum ProtocolType {
    ProtoTcp = 6;
    ProtoUdp = 17;
  }
  optional NetconnBlockType blockedType = 1;
  optional uint32 ipv4Address = 2;
  optional uint64 ipv6LoPart = 3;
  optional uint64 ipv6HiPart = 4;
  optional uint32 port = 5;
  optional ProtocolType protocol = 6;
  optional bytes utf8_netpath = 7;
  optional bool outbound = 8;
  optional bool proxyConnection = 9;
  optional uint32 proxyIpv4Address = 10;
  optional uint32 proxyPort = 11;
  optional string proxyNetPath = 12;
  optional uint32 remoteIpAddress = 13;
  optional uint32 remotePort = 14;
  optional uint32 localIpAddress = 15;
  optional uint32 localPort = 16;
}

message CbStatisticsMsg {
  optional CbLinStatsMsg lin_stats = 1;
}

message CbModuleInfoMsg {
  optional bytes md5 = 1;
  optional uint32 CopiedModuleLength = 2;
  optional uint64 OriginalModuleLength = 3;
  optional string utf8_FileDescription = 4;
  optional string utf8_CompanyName = 5;
  optional string utf8_ProductName = 6;
  optional string utf8_FileVersion = 7;
  optional string utf8_Comments = 8;
  optional string utf8_LegalCopyright = 9;
  optional string utf8_LegalTrademark = 10;
  optional string utf8_InternalName = 11;
  optional string utf8_OriginalFileName = 12;
  optional string utf8_ProductDescription = 13;
  optional string utf8_ProductVersion = 14;
  optional string utf8_PrivateBuild = 15;
  optional string utf8_SpecialBuild = 16;
  optional string utf8_DigSig_Publisher = 17;
  optional string utf8_DigSig_ProgramName = 18;
  optional string utf8_DigSig_IssuerName = 19;
  optional string utf8_DigSig_SubjectName = 20;
  optional string utf8_DigSig_Result = 21;
  optional string utf8_DigSig_ResultCode = 22;
  optional string utf8_DigSig_SignTime = 23;
  optional bytes Icon = 24;                          // image bytes, kept as Uint8Array
  optional bytes ImageFileHeader = 25;               // PE header bytes, kept as Uint8Array
  optional string utf8_OnDiskFilename = 26;
  optional bytes sha256 = 27;
}

message CbVtWriteMsg {
  optional bytes WritingProcessExeMd5 = 1;
  optional bytes FileWrittenMd5 = 2;
  optional bool FileWrittenIsPeModuleHint = 3;
  optional string WritingProcessFilename = 4;
  optional string FileWrittenFilename = 5;
  optional bytes FileWrittenSha256 = 6;
}

message CbVtLoadMsg {
  optional bytes LoaderProcessExeMd5 = 1;
  optional bytes LoadedModuleMd5 = 2;
}

message CbEndpointEnvironmentMsg {
  optional int32 SensorId = 1;
  optional string SensorHostName = 2;
  optional int64 HostId = 3;
}

message CbServerEnvironmentMsg {
  optional int32 NodeId = 1;
}

message CbEnvironmentMsg {
  optional CbEndpointEnvironmentMsg endpoint = 1;
  optional CbServerEnvironmentMsg server = 2;
}

message CbTamperAlertMsg {
  enum CbTamperAlertType {
    AlertCoreDriverUnloaded = 1;
    AlertNetworkDriverUnloaded = 2;
    AlertCbServiceStopped = 3;
    AlertCbProcessTerminated = 4;
    AlertCbCodeInjection = 5;
  }
  optional CbTamperAlertType type = 1;
  optional bool tamper_sent = 2;
}

message CbEmetMitigationAction {
  enum CbEmetMitigationTypes {
    actionDep = 1;
    actionSehop = 2;
    actionAsr = 3;
    actionAslr = 4;
    actionNullPage = 5;
    actionHeapSpray = 6;
    actionMandatoryAslr = 7;
    actionEaf = 8;
    actionEafPlus = 9;
    actionBottomUpAslr = 10;
    actionLoadLibrary = 11;
    actionMemoryProtection = 12;
    actionSimulateExecFlow = 13;
    actionStackPivot = 14;
    actionCallerChecks = 15;
    actionBannedFunctions = 16;
    actionDeepHooks = 17;
    actionAntiDetours = 18;
  }
  optional CbEmetMitigationTypes mitigationType = 1;
}

message CbEmetMitigationMsg {
  optional uint64 emetId = 1;
  optional uint64 emetTimstamp = 2;                  // sic: the schema's spelling
  optional CbEmetMitigationAction action = 3;
  optional string actionText = 4;
  optional bool blocked = 5;
}

message CbProcessMetadataMsg {
  optional int64 process_guid = 1;
  optional int64 process_create_time = 2;
  optional int32 process_pid = 3;
  optional bytes process_md5 = 4;
  optional string process_path = 5;
  optional string uid = 6;
  optional string username = 7;
  optional bytes commandline = 8;
  optional int32 parent_pid = 9;
  optional int64 parent_create_time = 10;
  optional bytes parent_md5 = 11;
  optional string parent_path = 12;
  optional int32 modload_count = 13;
  optional int32 filemod_count = 14;
  optional int32 netconn_count = 15;
  optional int32 regmod_count = 16;
  optional int32 childproc_count = 17;
  optional int32 crossproc_count = 18;
  optional int32 emet_count = 19;
  optional int32 processblock_count = 20;
  optional int64 sensor_start_time = 21;
  optional int64 sensor_segment = 22;
  optional bool creationobserved = 23;
  repeated CbEmetMitigationAction actions = 24;
  optional bytes process_sha256 = 25;
  optional bytes parent_sha256 = 26;
  optional int32 logon_type = 27;
}

message InternalUse {
  enum DataGenSource {
    known = 1;
    generated = 2;
    anonymized = 3;
  }
  optional DataGenSource dataGenSource = 1;
}

message CbScriptExecute {
  optional string script = 1;
  optional string sha256 = 2;                        // text here, not bytes
}

message CbFileBackedScriptExecute {
  optional string script = 1;
  optional string sha256 = 2;                        // text here, not bytes
  optional string filename = 3;
}

message CbEventMsg {
  required CbHeaderMsg header = 1;
  repeated CbStringMsg strings = 2;
  optional CbProcessMsg process = 3;
  optional CbModuleLoadMsg modload = 4;
  optional CbFileModMsg filemod = 5;
  optional CbNetConnMsg network = 6;
  optional CbRegModMsg regmod = 7;
  optional CbStatisticsMsg stats = 8;
  optional CbModuleInfoMsg module = 9;
  optional CbVtWriteMsg vtwrite = 10;
  optional CbVtLoadMsg vtload = 11;
  optional CbChildProcessMsg childproc = 12;
  optional CbEnvironmentMsg env = 13;                // filled in by the server
  optional CbCrossProcessMsg crossproc = 14;
  optional CbTamperAlertMsg tamperAlert = 15;
  optional CbProcessBlockedMsg blocked = 16;
  optional CbEmetMitigationMsg emet = 17;
  optional CbNetConnBlockedMsg netconnBlocked = 18;
  optional CbProcessMetadataMsg processMeta = 19;
  optional CbNetConnMsgv2 networkv2 = 20;
  optional CbNetConnBlockedMsgv2 netconnBlockedv2 = 21;
  optional InternalUse internalUse = 22;
  optional CbScriptExecute scriptexe = 23;
  optional CbFileBackedScriptExecute fbscriptexe = 24;
}
`;
