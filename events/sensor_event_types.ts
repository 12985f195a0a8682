/**
 * The type of a decoded raw sensor event ({@linkcode SensorEvent}), generated from the schema in
 * `events/sensor_events.proto`: one property per `CbEventMsg` part, each with every field of its
 * message.
 *
 * @module
 */

/**
 * A decoded raw sensor event: one property per `CbEventMsg` part present in the message. Field
 * names are the schema's; 64-bit integers (FILETIME timestamps, GUIDs) are decimal strings, enums
 * are names (a number the schema does not name stays a number), hashes are lowercase hex, the text
 * held in bytes fields (`utf8_regpath`, `utf8_netpath`, `utf8string`, `commandline`) is a string,
 * and the binary `Icon` and `ImageFileHeader` of module info are `Uint8Array` views of the
 * received bytes.
 */
export interface SensorEvent {
  /** Version, timestamps and the acting process (`CbHeaderMsg`). */
  header: {
    version: number;
    bootid?: number;
    eventid?: number;
    timestamp?: string;
    process_guid?: string;
    filepath_string_guid?: string;
    magic?: number;
    process_filepath_string_guid?: string;
    process_create_time?: string;
    process_pid?: number;
    process_md5?: string;
    process_path?: string;
    fork_pid?: number;
    process_sha256?: string;
    [field: string]: unknown;
  };
  /** Strings referenced by GUID from the other parts (`CbStringMsg`). */
  strings?: {
    guid?: string;
    utf8string?: string;
    string_type?: "typeFilepath" | "typeRegpath" | "typeNetpath" | number;
    [field: string]: unknown;
  }[];
  /** Process start or end (`ingress.event.process`, `procstart`, `procend`; `CbProcessMsg`). */
  process?: {
    pid?: number;
    created?: boolean;
    parent_pid?: number;
    parent_create_time?: string;
    parent_guid?: string;
    md5hash?: string;
    have_seen_before?: boolean;
    deprecated?: string;
    commandline?: string;
    parent_md5?: string;
    parent_path?: string;
    creationobserved?: boolean;
    expect_followon_w_md5?: boolean;
    uid?: string;
    username?: string;
    actions?: ({
      mitigationType?:
        | "actionDep"
        | "actionSehop"
        | "actionAsr"
        | "actionAslr"
        | "actionNullPage"
        | "actionHeapSpray"
        | "actionMandatoryAslr"
        | "actionEaf"
        | "actionEafPlus"
        | "actionBottomUpAslr"
        | "actionLoadLibrary"
        | "actionMemoryProtection"
        | "actionSimulateExecFlow"
        | "actionStackPivot"
        | "actionCallerChecks"
        | "actionBannedFunctions"
        | "actionDeepHooks"
        | "actionAntiDetours"
        | number;
      [field: string]: unknown;
    })[];
    actionsAreFromGPO?: boolean;
    bFilteringKnownDlls?: boolean;
    sha256hash?: string;
    parent_sha256?: string;
    logon_type?: number;
    [field: string]: unknown;
  };
  /** Module load (`ingress.event.moduleload`; `CbModuleLoadMsg`). */
  modload?: {
    guid?: string;
    handlepath_string_guid?: string;
    md5hash?: string;
    scanid?: number;
    is_process_base_module?: boolean;
    image_base?: string;
    image_size?: number;
    sha256hash?: string;
    [field: string]: unknown;
  };
  /** File modification (`ingress.event.filemod`; `CbFileModMsg`; `type` is a file type code, see {@linkcode FILE_TYPE_NAMES}). */
  filemod?: {
    guid?: string;
    action?:
      | "actionFileModCreate"
      | "actionFileModWrite"
      | "actionFileModDelete"
      | "actionFileModLastWrite"
      | "actionFileModOpen"
      | number;
    have_seen_before?: boolean;
    md5hash?: string;
    type?: number;
    tamper?: boolean;
    tamper_sent?: boolean;
    sha256hash?: string;
    [field: string]: unknown;
  };
  /** Network connection (`ingress.event.netconn`; `CbNetConnMsg`). */
  network?: {
    guid?: string;
    ipv4Address?: number;
    ipv6LoPart?: string;
    ipv6HiPart?: string;
    port?: number;
    protocol?: "ProtoTcp" | "ProtoUdp" | number;
    utf8_netpath?: string;
    outbound?: boolean;
    proxyConnection?: boolean;
    proxyIpv4Address?: number;
    proxyPort?: number;
    proxyNetPath?: string;
    remoteIpAddress?: number;
    remotePort?: number;
    localIpAddress?: number;
    localPort?: number;
    [field: string]: unknown;
  };
  /** Registry modification (`ingress.event.regmod`; `CbRegModMsg`). */
  regmod?: {
    guid?: string;
    action?:
      | "actionRegModCreateKey"
      | "actionRegModWriteValue"
      | "actionRegModDeleteKey"
      | "actionRegModDeleteValue"
      | number;
    have_seen_before?: boolean;
    utf8_regpath?: string;
    tamper?: boolean;
    tamper_sent?: boolean;
    [field: string]: unknown;
  };
  /** Sensor statistics (`CbStatisticsMsg`). */
  stats?: {
    lin_stats?: {
      lin_total?: number;
      lin_successful?: number;
      lin_no_scanidi?: number;
      lin_total_pended?: number;
      lin_current_scanid_pended_size?: number;
      lin_current_handlepath_pended_size?: number;
      lin_current_filepath_pended_size?: number;
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  /** Module metadata (`ingress.event.module`; `CbModuleInfoMsg`, all 27 fields). */
  module?: {
    md5?: string;
    CopiedModuleLength?: number;
    OriginalModuleLength?: string;
    utf8_FileDescription?: string;
    utf8_CompanyName?: string;
    utf8_ProductName?: string;
    utf8_FileVersion?: string;
    utf8_Comments?: string;
    utf8_LegalCopyright?: string;
    utf8_LegalTrademark?: string;
    utf8_InternalName?: string;
    utf8_OriginalFileName?: string;
    utf8_ProductDescription?: string;
    utf8_ProductVersion?: string;
    utf8_PrivateBuild?: string;
    utf8_SpecialBuild?: string;
    utf8_DigSig_Publisher?: string;
    utf8_DigSig_ProgramName?: string;
    utf8_DigSig_IssuerName?: string;
    utf8_DigSig_SubjectName?: string;
    utf8_DigSig_Result?: string;
    utf8_DigSig_ResultCode?: string;
    utf8_DigSig_SignTime?: string;
    Icon?: Uint8Array;
    ImageFileHeader?: Uint8Array;
    utf8_OnDiskFilename?: string;
    sha256?: string;
    [field: string]: unknown;
  };
  /** VirusTotal write hint (`CbVtWriteMsg`). */
  vtwrite?: {
    WritingProcessExeMd5?: string;
    FileWrittenMd5?: string;
    FileWrittenIsPeModuleHint?: boolean;
    WritingProcessFilename?: string;
    FileWrittenFilename?: string;
    FileWrittenSha256?: string;
    [field: string]: unknown;
  };
  /** VirusTotal load hint (`CbVtLoadMsg`). */
  vtload?: {
    LoaderProcessExeMd5?: string;
    LoadedModuleMd5?: string;
    [field: string]: unknown;
  };
  /** Child process start or end (`ingress.event.childproc`; `CbChildProcessMsg`). */
  childproc?: {
    created?: boolean;
    parent_guid?: string;
    md5hash?: string;
    child_guid?: string;
    path?: string;
    pid?: string;
    create_time?: string;
    tamper?: boolean;
    suppressed?: {
      bIsSuppressed?: boolean;
      state?: "suppressedEventlessModloads" | "suppressedEventlessWithXproc" | number;
      [field: string]: unknown;
    };
    commandline?: string;
    username?: string;
    childProcType?: "childProcExec" | "childProcFork" | "childProcOtherExec" | number;
    tamper_sent?: boolean;
    sha256hash?: string;
    [field: string]: unknown;
  };
  /** Where the event came from, filled in by the server (`CbEnvironmentMsg`). */
  env?: {
    endpoint?: {
      SensorId?: number;
      SensorHostName?: string;
      HostId?: string;
      [field: string]: unknown;
    };
    server?: {
      NodeId?: number;
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  /** Cross-process open or remote thread (`ingress.event.crossprocopen`, `remotethread`; `CbCrossProcessMsg`). */
  crossproc?: {
    open?: {
      type?: "OpenProcessHandle" | "OpenThreadHandle" | number;
      targetPid?: number;
      targetProcCreateTime?: string;
      requestedAccess?: number;
      targetProcPath?: string;
      targetProcMd5?: string;
      targetProcSha256?: string;
      [field: string]: unknown;
    };
    remotethread?: {
      remoteProcPid?: number;
      remoteProcCreateTime?: string;
      remoteProcPath?: string;
      remoteProcMd5?: string;
      remoteProcSha256?: string;
      [field: string]: unknown;
    };
    tamper?: boolean;
    isTarget?: boolean;
    tamper_sent?: boolean;
    [field: string]: unknown;
  };
  /** Tamper alert (`ingress.event.tamper`; `CbTamperAlertMsg`). */
  tamperAlert?: {
    type?:
      | "AlertCoreDriverUnloaded"
      | "AlertNetworkDriverUnloaded"
      | "AlertCbServiceStopped"
      | "AlertCbProcessTerminated"
      | "AlertCbCodeInjection"
      | number;
    tamper_sent?: boolean;
    [field: string]: unknown;
  };
  /** Process blocked by a banned hash (`ingress.event.processblock`; `CbProcessBlockedMsg`). */
  blocked?: {
    blockedType?: "MD5Hash" | number;
    blockedEvent?: "ProcessCreate" | "RunningProcess" | number;
    blockedmd5Hash?: string;
    blockedPath?: string;
    blockResult?:
      | "ProcessTerminated"
      | "NotTerminatedCBProcess"
      | "NotTerminatedSystemProcess"
      | "NotTerminatedCriticalSystemProcess"
      | "NotTerminatedWhitelistedPath"
      | "NotTerminatedOpenProcessError"
      | "NotTerminatedTerminateError"
      | number;
    blockError?: number;
    blockedPid?: number;
    blockedProcCreateTime?: string;
    blockedCmdline?: string;
    blockedUid?: string;
    blockedUsername?: string;
    [field: string]: unknown;
  };
  /** EMET mitigation (`ingress.event.emetmitigation`; `CbEmetMitigationMsg`). */
  emet?: {
    emetId?: string;
    emetTimstamp?: string;
    action?: {
      mitigationType?:
        | "actionDep"
        | "actionSehop"
        | "actionAsr"
        | "actionAslr"
        | "actionNullPage"
        | "actionHeapSpray"
        | "actionMandatoryAslr"
        | "actionEaf"
        | "actionEafPlus"
        | "actionBottomUpAslr"
        | "actionLoadLibrary"
        | "actionMemoryProtection"
        | "actionSimulateExecFlow"
        | "actionStackPivot"
        | "actionCallerChecks"
        | "actionBannedFunctions"
        | "actionDeepHooks"
        | "actionAntiDetours"
        | number;
      [field: string]: unknown;
    };
    actionText?: string;
    blocked?: boolean;
    [field: string]: unknown;
  };
  /** Network connection blocked by isolation (`CbNetConnBlockedMsg`). */
  netconnBlocked?: {
    blockedType?: "NetworkIsolation" | number;
    ipv4Address?: number;
    ipv6LoPart?: string;
    ipv6HiPart?: string;
    port?: number;
    protocol?: "ProtoTcp" | "ProtoUdp" | number;
    utf8_netpath?: string;
    outbound?: boolean;
    proxyConnection?: boolean;
    proxyIpv4Address?: number;
    proxyPort?: number;
    proxyNetPath?: string;
    remoteIpAddress?: number;
    remotePort?: number;
    localIpAddress?: number;
    localPort?: number;
    [field: string]: unknown;
  };
  /** Process metadata summary (`CbProcessMetadataMsg`). */
  processMeta?: {
    process_guid?: string;
    process_create_time?: string;
    process_pid?: number;
    process_md5?: string;
    process_path?: string;
    uid?: string;
    username?: string;
    commandline?: string;
    parent_pid?: number;
    parent_create_time?: string;
    parent_md5?: string;
    parent_path?: string;
    modload_count?: number;
    filemod_count?: number;
    netconn_count?: number;
    regmod_count?: number;
    childproc_count?: number;
    crossproc_count?: number;
    emet_count?: number;
    processblock_count?: number;
    sensor_start_time?: string;
    sensor_segment?: string;
    creationobserved?: boolean;
    actions?: ({
      mitigationType?:
        | "actionDep"
        | "actionSehop"
        | "actionAsr"
        | "actionAslr"
        | "actionNullPage"
        | "actionHeapSpray"
        | "actionMandatoryAslr"
        | "actionEaf"
        | "actionEafPlus"
        | "actionBottomUpAslr"
        | "actionLoadLibrary"
        | "actionMemoryProtection"
        | "actionSimulateExecFlow"
        | "actionStackPivot"
        | "actionCallerChecks"
        | "actionBannedFunctions"
        | "actionDeepHooks"
        | "actionAntiDetours"
        | number;
      [field: string]: unknown;
    })[];
    process_sha256?: string;
    parent_sha256?: string;
    logon_type?: number;
    [field: string]: unknown;
  };
  /** Network connection, version 2 (`ingress.event.netconn`; `CbNetConnMsgv2`). */
  networkv2?: {
    protocol?: "ProtoTcp" | "ProtoUdp" | number;
    utf8_netpath?: string;
    outbound?: boolean;
    proxyConnection?: boolean;
    proxyIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    proxyPort?: number;
    proxyNetPath?: string;
    remoteIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    remotePort?: number;
    localIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    localPort?: number;
    ja3?: string;
    ja3s?: string;
    [field: string]: unknown;
  };
  /** Network connection blocked by isolation, version 2 (`CbNetConnBlockedMsgv2`). */
  netconnBlockedv2?: {
    blockedType?: "NetworkIsolation" | number;
    port?: number;
    protocol?: "ProtoTcp" | "ProtoUdp" | number;
    utf8_netpath?: string;
    outbound?: boolean;
    proxyConnection?: boolean;
    proxyIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    proxyPort?: number;
    proxyNetPath?: string;
    remoteIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    remotePort?: number;
    localIpAddress?: {
      bIsIpv6?: boolean;
      ipv4Address?: number;
      ipv6Low?: string;
      ipv6High?: string;
      ipv6Scope?: string;
      [field: string]: unknown;
    };
    localPort?: number;
    ja3?: string;
    ja3s?: string;
    [field: string]: unknown;
  };
  /** Where the data came from (`InternalUse`). */
  internalUse?: {
    dataGenSource?: "known" | "generated" | "anonymized" | number;
    [field: string]: unknown;
  };
  /** Script execution (`CbScriptExecute`). */
  scriptexe?: {
    script?: string;
    sha256?: string;
    [field: string]: unknown;
  };
  /** File-backed script execution (`CbFileBackedScriptExecute`). */
  fbscriptexe?: {
    script?: string;
    sha256?: string;
    filename?: string;
    [field: string]: unknown;
  };
  /** Any further part (none today: fields a newer sensor adds are skipped). */
  [part: string]: unknown;
}
