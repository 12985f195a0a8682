/**
 * The seeded Cb Defense events, spread over the documentation's devices.
 *
 * @module
 */
import { hashHex, mixSeed, Rng } from "../_rand.ts";
import { DEFENSE_NOW, DOC_DEVICES } from "./_data.ts";

type Doc = Record<string, unknown>;

const EVENT_KINDS: readonly { type: string; app: string; short: string; cmd: string }[] = [
  {
    type: "NETWORK",
    app: "chrome.exe",
    short: "The application chrome.exe established a TCP/443 connection",
    cmd: '"C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe"',
  },
  {
    type: "CREATE_PROCESS",
    app: "cmd.exe",
    short: "The application cmd.exe invoked another application (net.exe)",
    cmd: "cmd.exe /c net use \\\\test\\blah",
  },
  {
    type: "FILE_CREATE",
    app: "notepad.exe",
    short: "The application notepad.exe created a file",
    cmd: "notepad.exe c:\\test.txt",
  },
  {
    type: "POLICY_ACTION",
    app: "powershell.exe",
    short: "The application powershell.exe was terminated by a policy rule",
    cmd: "powershell.exe -enc SQBFAFgA",
  },
  {
    type: "SYSTEM_API_CALL",
    app: "svchost.exe",
    short: "The application svchost.exe called a system API",
    cmd: "svchost.exe -k netsvcs",
  },
];

/** How many events the data set holds. */
export const EVENT_COUNT = 40;

/**
 * Builds the seeded events, spread over the documentation's devices.
 *
 * @param seed The data set seed.
 * @param devices The seeded devices.
 * @returns Event documents by `eventId`.
 */
export function seedEvents(seed: number, devices: Map<number, Doc>): Map<string, Doc> {
  const rng = new Rng(mixSeed(seed, "defense-events"));
  const hosts = DOC_DEVICES.map((d) => devices.get(d.id)!);
  const out = new Map<string, Doc>();
  for (let i = 0; i < EVENT_COUNT; i++) {
    const kind = EVENT_KINDS[i % EVENT_KINDS.length]!;
    const dev = hosts[i % 3]!;
    const eventId = hashHex("md5", `event:${seed}:${i}`);
    const time = DEFENSE_NOW - (i + 1) * 37 * 60_000;
    const sha256 = hashHex("sha256", `binary:${kind.app}`);
    out.set(eventId, {
      eventId,
      eventTime: time,
      createTime: time + 2_000,
      eventType: kind.type,
      shortDescription: kind.short,
      longDescription: `${kind.short} on ${dev.name}.`,
      applicationName: kind.app,
      deviceDetails: {
        deviceId: dev.deviceId,
        deviceName: dev.name,
        deviceIpAddress: dev.lastInternalIpAddress,
        deviceType: dev.deviceType,
        deviceVersion: dev.osVersion,
        email: dev.email,
        policyId: dev.policyId,
        policyName: dev.policyName,
        targetPriorityType: dev.targetPriorityType,
        agentLocation: dev.lastLocation,
      },
      processDetails: {
        name: kind.app,
        commandLine: kind.cmd,
        processId: 1000 + rng.int(0, 8000),
        parentName: kind.app === "cmd.exe" ? "explorer.exe" : "services.exe",
        parentPid: 400 + rng.int(0, 600),
        fullUserName: `EXAMPLE\\${String(dev.email).split("@")[0]}`,
        userName: String(dev.email).split("@")[0],
      },
      selectedApp: {
        applicationName: kind.app,
        sha256Hash: sha256,
        md5Hash: hashHex("md5", `binary:${kind.app}`),
        effectiveReputation: kind.type === "POLICY_ACTION" ? "KNOWN_MALWARE" : "TRUSTED_WHITE_LIST",
        reputationProperty: "TRUSTED_WHITE_LIST",
      },
      netFlow: kind.type === "NETWORK"
        ? {
          destAddress: "172.217.3.110",
          destPort: 443,
          sourceAddress: dev.lastInternalIpAddress,
          sourcePort: 49152 + i,
          peerIpAddress: "172.217.3.110",
          peerSiteReputation: "TRUSTED_WHITE_LIST",
          service: "TCP/443",
        }
        : null,
      threatIndicators: kind.type === "POLICY_ACTION" ? ["RUN_MALWARE", "POLICY_TERMINATE"] : [],
      securityEventCode: null,
      targetApp: null,
      // Fields every recorded Cb Defense event carries (the vendor's own fixtures).
      alertCategory: kind.type === "POLICY_ACTION" ? "THREAT" : "MONITORED",
      alertScore: kind.type === "POLICY_ACTION" ? 8 : 0,
      attackStage: kind.type === "POLICY_ACTION" ? "INSTALL_RUN" : null,
      incidentId: kind.type === "POLICY_ACTION" ? `EX${eventId.slice(0, 8).toUpperCase()}` : null,
      registryValue: null,
      parentApp: {
        applicationName: kind.app === "cmd.exe" ? "explorer.exe" : "services.exe",
        applicationPath: kind.app === "cmd.exe"
          ? "c:\\windows\\explorer.exe"
          : "c:\\windows\\system32\\services.exe",
        effectiveReputation: "TRUSTED_WHITE_LIST",
        effectiveReputationSource: "CLOUD",
        reputationProperty: "TRUSTED_WHITE_LIST",
        md5Hash: hashHex("md5", `binary:parent:${kind.app}`),
        sha256Hash: hashHex("sha256", `binary:parent:${kind.app}`),
        virusCategory: null,
        virusName: null,
        virusSubCategory: null,
      },
    });
  }
  return out;
}
