/**
 * An example analysis connector: registers itself, then polls its pending analyses, downloads
 * each uploaded file and reports it as malicious (port of the Python
 * `empty_analysis_connector.py`). `--once` stops after one round (the Python script loops
 * forever); `--interval` sets the pause between rounds in seconds.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/protection/empty_analysis_connector.ts --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Connector, Notification, type PendingAnalysis } from "@cbapi/cbapi/protection";
import { connectFromArgs, parseCommonArgs } from "./_cli.ts";

const USAGE = "EmptyAnalysis: example connector for Carbon Black Enterprise Protection\n\n" +
  "Usage: empty_analysis_connector.ts [--once] [--interval S] [--out DIR] " +
  "[--cburl URL --apitoken TOKEN] [--no-ssl-verify] [--profile NAME] [--verbose]";

async function processRequest(i: PendingAnalysis, outDir: string): Promise<void> {
  // make sure we have the latest information
  await i.refresh();
  console.log(`Processing hash ${i.fileHash}`);
  if (i.uploaded) {
    console.log("I have a binary! let's download it");
    const path = `${outDir}/${i.fileHash}.dat`;
    await Deno.writeFile(path, await i.file());
    const n = i.createNotification({
      product: "EmptyAnalysis",
      malwareName: "TEST MALWARE",
      analysisResult: Notification.ResultMalicious,
      severity: "high",
      type: "whoa",
    });
    await n.save();
    console.log(`Reported ${i.fileHash} as malicious (notification ${n.id})`);
  } else {
    console.log(`Waiting until hash ${i.fileHash} is uploaded`);
  }
}

/**
 * Runs the example.
 *
 * @param args The command line.
 */
export async function main(args: string[]): Promise<void> {
  const values = parseCommonArgs(USAGE, args, {
    once: { type: "boolean" },
    interval: { type: "string", default: "10" },
    out: { type: "string", default: "." },
  });
  if (!values) return;
  await using api = await connectFromArgs(values);
  const connector = api.create(Connector, {
    name: "EmptyAnalysis",
    analysisName: "EmptyAnalysis",
    connectorVersion: "1.0",
    canAnalyze: true,
    analysisEnabled: true,
    enabled: true,
  });
  await connector.save();
  console.log(`Connector: ${connector.id} ${connector.name}`);
  console.log("Starting processing loop");
  while (true) {
    for await (const i of connector.pendingAnalyses()) await processRequest(i, String(values.out));
    if (values.once) break;
    await new Promise((r) => setTimeout(r, Number(values.interval) * 1000));
  }
}

if (import.meta.main) await main(Deno.args);
