// Starts an unpacked .mcpb bundle the way Claude Desktop does: the manifest's mcp_config with
// ${__dirname} and ${user_config.*} filled in by getMcpConfigForManifest from @anthropic-ai/mcpb
// (the code Claude Desktop itself uses), its env added to ours, and EXTRA_ARGS appended.
//
//   node run_bundle.mjs MCPB_MODULE_DIR BUNDLE_DIR USER_CONFIG_JSON [EXTRA_ARGS...]
//
// Prints the resolved configuration as one JSON line on stderr, then the command's stdout and
// stderr; exits with the command's exit status (2 when the configuration does not resolve).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";

const [mcpbDir, bundleDir, userConfigJson, ...extraArgs] = process.argv.slice(2);
const { getMcpConfigForManifest } = await import(pathToFileURL(join(mcpbDir, "dist", "index.js")).href);

const manifest = JSON.parse(readFileSync(join(bundleDir, "manifest.json"), "utf8"));
const config = await getMcpConfigForManifest({
  manifest,
  extensionPath: bundleDir,
  systemDirs: { HOME: process.env.HOME ?? "" },
  userConfig: JSON.parse(userConfigJson),
  pathSeparator: sep,
});
if (!config) {
  console.error("run_bundle: the bundle's mcp_config did not resolve (missing required user_config?)");
  process.exit(2);
}
console.error(JSON.stringify(config));

const run = spawnSync(config.command, [...(config.args ?? []), ...extraArgs], {
  env: { ...process.env, ...config.env },
  encoding: "utf8",
  timeout: 60_000,
});
if (run.error) {
  console.error(`run_bundle: cannot run ${config.command}: ${run.error.message}`);
  process.exit(2);
}
process.stdout.write(run.stdout);
process.stderr.write(run.stderr);
process.exit(run.status ?? 2);
