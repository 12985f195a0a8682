/**
 * The Live Response state of the emulator: sessions (pending → active → close/timeout), their
 * commands and files, and one virtual endpoint per sensor or device.
 *
 * @module
 */
import { type CommandOutcome, POSIX_COMMANDS, runCommand, WINDOWS_COMMANDS } from "./_commands.ts";
import { VirtualEndpoint } from "./_endpoint.ts";

/** Which product's routes a session came through. */
export type LrFlavour = "response" | "defense";

/** A file a session can serve: bytes, or a generated stream of a given size. */
export type LrFile = { data: Uint8Array } | { generatedSize: number };

/** A command as the emulator keeps it. */
export interface LrCommand {
  /** The document `GET .../command/{id}` answers while pending. */
  doc: Record<string, unknown>;
  /** `performance.now()` time at which it completes. */
  completeAt: number;
  /** The outcome. */
  outcome: CommandOutcome;
}

/** A session as the emulator keeps it. */
export interface LrSession {
  /** Session id. */
  id: number;
  /** Product. */
  flavour: LrFlavour;
  /** Sensor or device id. */
  sensorId: number;
  /** `pending`, `active`, `close` or `timeout`. */
  status: "pending" | "active" | "close" | "timeout";
  /** Creation (`performance.now()`). */
  createdAt: number;
  /** Epoch seconds of creation. */
  createTime: number;
  /** When a pending session goes active (undefined while its sensor is offline). */
  activatesAt: number | undefined;
  /** Last command, upload or keepalive (`performance.now()`). */
  lastSeen: number;
  /** Commands by id. */
  commands: Map<number, LrCommand>;
  /** Uploaded files by id. */
  uploads: Map<number, Uint8Array>;
  /** Files published for download by file id. */
  downloads: Map<number, LrFile>;
  /** The endpoint. */
  endpoint: VirtualEndpoint;
  /** Commands the sensor accepts. */
  supportedCommands: readonly string[];
}

/** Resolved settings of the Live Response side. */
export interface LrSettings {
  maxSessions: number;
  activationDelayMs: number;
  commandDelayMs: number;
  sensorDelays: Record<number, number>;
  sessionTimeoutMs: number;
  sensorWaitTimeoutMs: number;
  supportedCommands: Record<number, string[]>;
  generatedFiles: { path: string; size: number }[];
}

/** How the state learns about sensors and devices. */
export interface LrDirectory {
  /** Whether the sensor exists, its OS type, host name and whether it is online now. */
  lookup(
    flavour: LrFlavour,
    id: number,
  ): { osType: number; hostname: string; online: boolean } | undefined;
}

/** The live Live Response data set. */
export class LiveResponseStore implements LiveResponseView {
  /** Sessions by id. */
  readonly sessions: Map<number, LrSession> = new Map();
  /** Endpoints by `{flavour}:{id}`. */
  readonly endpoints: Map<string, VirtualEndpoint> = new Map();
  /** Resolved settings. */
  readonly settings: LrSettings;
  #directory: LrDirectory | undefined;
  #nextSession = 1;
  #nextCommand = 1;
  #nextFile = 1;

  /** Builds an empty store. */
  constructor(settings: LrSettings) {
    this.settings = settings;
  }

  /** Connects the store to the sensors and devices of the emulator. */
  attach(directory: LrDirectory): void {
    this.#directory = directory;
  }

  /** Sessions that are pending or active, after applying timeouts. */
  get openSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      this.refresh(s);
      if (s.status === "pending" || s.status === "active") n++;
    }
    return n;
  }

  /** The sensor or device, if it exists. */
  lookup(flavour: LrFlavour, id: number): ReturnType<LrDirectory["lookup"]> {
    return this.#directory?.lookup(flavour, id);
  }

  /** The endpoint of a sensor or device (created on first use). */
  endpoint(flavour: LrFlavour, id: number): VirtualEndpoint {
    const key = `${flavour}:${id}`;
    let ep = this.endpoints.get(key);
    if (!ep) {
      const info = this.lookup(flavour, id);
      ep = new VirtualEndpoint(
        info?.osType ?? 1,
        info?.hostname ?? `HOST-${id}`,
        this.settings.generatedFiles,
      );
      this.endpoints.set(key, ep);
    }
    return ep;
  }

  /** Opens a session, or answers why not. */
  open(flavour: LrFlavour, sensorId: number): LrSession | "full" | "unknown" {
    const info = this.lookup(flavour, sensorId);
    if (!info) return "unknown";
    let open = 0;
    for (const s of this.sessions.values()) {
      this.refresh(s);
      if (s.flavour === flavour && (s.status === "pending" || s.status === "active")) open++;
    }
    if (open >= this.settings.maxSessions) return "full";
    const now = performance.now();
    const endpoint = this.endpoint(flavour, sensorId);
    const session: LrSession = {
      id: this.#nextSession++,
      flavour,
      sensorId,
      status: "pending",
      createdAt: now,
      createTime: Date.now() / 1000,
      activatesAt: info.online ? now + this.settings.activationDelayMs : undefined,
      lastSeen: now,
      commands: new Map(),
      uploads: new Map(),
      downloads: new Map(),
      endpoint,
      supportedCommands: this.settings.supportedCommands[sensorId] ??
        (endpoint.osType === 1 ? WINDOWS_COMMANDS : POSIX_COMMANDS),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Applies time: activation, sensor wait timeout, idle session timeout. */
  refresh(s: LrSession): void {
    const now = performance.now();
    if (s.status === "pending") {
      if (s.activatesAt === undefined && this.lookup(s.flavour, s.sensorId)?.online) {
        s.activatesAt = now + this.settings.activationDelayMs;
      }
      if (s.activatesAt !== undefined && now >= s.activatesAt) {
        s.status = "active";
        s.lastSeen = now;
      } else if (now - s.createdAt >= this.settings.sensorWaitTimeoutMs) {
        s.status = "timeout";
      }
    }
    if (s.status === "active" && now - s.lastSeen >= this.settings.sessionTimeoutMs) {
      s.status = "timeout";
    }
  }

  /** Ends a session as if it had timed out (for tests of re-establishment). */
  expireSession(id: number): void {
    const s = this.sessions.get(id);
    if (s) s.status = "timeout";
  }

  /** Posts a command: runs it now, reveals the outcome after the command delay. */
  post(s: LrSession, body: Record<string, unknown>): LrCommand {
    const id = this.#nextCommand++;
    const doc: Record<string, unknown> = {
      ...body,
      id,
      session_id: s.id,
      sensor_id: s.sensorId,
      status: "pending",
      username: "cbemu",
      create_time: Date.now() / 1000,
    };
    if (!("object" in doc)) doc.object = null;
    let fileId: number | undefined;
    if (body.name === "get file") doc.file_id = fileId = this.#nextFile++;
    const outcome = runCommand(s.endpoint, {
      body,
      uploads: s.uploads,
      publish: (node) => {
        if (fileId === undefined) return;
        s.downloads.set(
          fileId,
          node.generatedSize !== undefined
            ? { generatedSize: node.generatedSize }
            : { data: node.data ?? new Uint8Array() },
        );
      },
    });
    const delay = this.settings.commandDelayMs + (this.settings.sensorDelays[s.sensorId] ?? 0);
    const command: LrCommand = { doc, completeAt: performance.now() + delay, outcome };
    s.commands.set(id, command);
    return command;
  }

  /** The document of a command as of now. */
  commandDoc(c: LrCommand): Record<string, unknown> {
    if (performance.now() < c.completeAt) return { ...c.doc };
    const done: Record<string, unknown> = {
      ...c.doc,
      completion: Date.now() / 1000,
      result_type: "WinHresult",
      result_desc: "",
    };
    if (c.outcome.ok) {
      return { ...done, ...c.outcome.fields, status: "complete", result_code: 0 };
    }
    return { ...done, status: "error", result_code: (0x80070000 | c.outcome.win32) >>> 0 };
  }

  /** Stores an upload and returns its id. */
  upload(s: LrSession, data: Uint8Array): number {
    const id = this.#nextFile++;
    s.uploads.set(id, data);
    return id;
  }

  /** The status of a session. */
  sessionStatus(id: number): string | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    this.refresh(s);
    return s.status;
  }

  /** Ids of the open sessions of a sensor. */
  openSessionIds(flavour: LrFlavour, sensorId: number): number[] {
    return [...this.sessions.values()].filter((s) => {
      this.refresh(s);
      return s.flavour === flavour && s.sensorId === sensorId &&
        (s.status === "pending" || s.status === "active");
    }).map((s) => s.id);
  }

  /** A small file of an endpoint. */
  readFile(flavour: LrFlavour, sensorId: number, path: string): Uint8Array | undefined {
    return this.endpoint(flavour, sensorId).node(path)?.data;
  }

  /** Writes a file on an endpoint. */
  writeFile(flavour: LrFlavour, sensorId: number, path: string, data: Uint8Array | string): void {
    this.endpoint(flavour, sensorId).writeFile(path, data);
  }

  /** Whether a path exists on an endpoint (file or directory). */
  exists(flavour: LrFlavour, sensorId: number, path: string): boolean {
    return this.endpoint(flavour, sensorId).node(path) !== undefined;
  }

  /** A registry value of an endpoint. */
  registryValue(
    flavour: LrFlavour,
    sensorId: number,
    key: string,
    name: string,
  ): { value_type: string; value_data: unknown } | undefined {
    const ep = this.endpoint(flavour, sensorId);
    return ep.registry.get(ep.regKey(key))?.values.get(name.toLowerCase());
  }

  /** Whether a registry key exists on an endpoint. */
  registryKeyExists(flavour: LrFlavour, sensorId: number, key: string): boolean {
    const ep = this.endpoint(flavour, sensorId);
    return ep.registry.has(ep.regKey(key));
  }

  /** The pids running on an endpoint. */
  processIds(flavour: LrFlavour, sensorId: number): number[] {
    return this.endpoint(flavour, sensorId).processes.map((p) => p.pid);
  }
}

/** What tests read and change of the Live Response side (`emu.state.liveResponse`). */
export interface LiveResponseView {
  /** Pending or active sessions of both products, after applying timeouts. */
  readonly openSessions: number;
  /**
   * The status of a session: `pending`, `active`, `close` or `timeout`.
   *
   * @param id Session id.
   */
  sessionStatus(id: number): string | undefined;
  /**
   * Ids of the pending or active sessions of a sensor or device.
   *
   * @param flavour `response` or `defense`.
   * @param sensorId Sensor or device id.
   */
  openSessionIds(flavour: "response" | "defense", sensorId: number): number[];
  /**
   * Ends a session as if it had timed out (commands then get a 404 "Session ...").
   *
   * @param id Session id.
   */
  expireSession(id: number): void;
  /** Reads a small file of an endpoint's file system. */
  readFile(flavour: "response" | "defense", sensorId: number, path: string): Uint8Array | undefined;
  /** Writes a file on an endpoint (parents are created). */
  writeFile(
    flavour: "response" | "defense",
    sensorId: number,
    path: string,
    data: Uint8Array | string,
  ): void;
  /** Whether a file or directory exists on an endpoint. */
  exists(flavour: "response" | "defense", sensorId: number, path: string): boolean;
  /** A registry value of an endpoint. */
  registryValue(
    flavour: "response" | "defense",
    sensorId: number,
    key: string,
    name: string,
  ): { value_type: string; value_data: unknown } | undefined;
  /** Whether a registry key exists on an endpoint. */
  registryKeyExists(flavour: "response" | "defense", sensorId: number, key: string): boolean;
  /** The pids running on an endpoint. */
  processIds(flavour: "response" | "defense", sensorId: number): number[];
}
