/**
 * Command-line front end (commander). Parses, dispatches and maps errors to exit codes;
 * the work is in scan.ts and rules-command.ts, loaded when their command runs, so that
 * `--version` and `--help` load neither (docs/performance.md "Start-up"). Every command has --help.
 */
import { Command, CommanderError, Option } from 'commander';
import { SEVERITIES } from '../vocabulary.js';
import { SCANNER_VERSION } from '../version.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { reportFormatNames } from '../report/formats.js';
import { collect } from './outputs.js';
import type { ScanOptions } from './scan.js';
import type { SnapshotOptions } from './snapshot-command.js';

const SCAN_HELP_FOOTER = `
Examples:
  $ istio-isolation-scanner scan                                  # the bundled demo fleet
  $ istio-isolation-scanner scan ./k8s --fail-on high             # CI gate on manifests
  $ istio-isolation-scanner scan ./k8s --format sarif --output results.sarif
  $ istio-isolation-scanner scan ./k8s --output json=report.json --output sarif=report.sarif --output markdown=comment.md
  $ istio-isolation-scanner scan --kubeconfig ~/.kube/config --context prod
  $ istio-isolation-scanner scan ./k8s --tenant team-a                        # a tenant repository
  $ istio-isolation-scanner scan ./pr --against cluster.json --tenant team-a  # what would this change do
  $ istio-isolation-scanner scan ./k8s --baseline previous.json              # gate on new findings only
  $ helm template ./chart | istio-isolation-scanner scan - --tenant team-a

Exit codes:
  0  no unsuppressed finding at or above --fail-on (default high; the demo defaults to none)
  1  at least one unsuppressed finding at or above --fail-on
  2  usage or input error (bad option, unreadable file, nothing readable, scan could not start),
     or a result the gate cannot vouch for: a cluster that could not be read, a cluster read
     only in part (unless --allow-incomplete), results not delivered to Log Analytics

Reference: docs/cli.md`;

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('istio-isolation-scanner')
    .description('Proves whether Istio configuration (ServiceEntry, VirtualService, DestinationRule, Sidecar) leaks across namespaces, offline, on a live cluster or across an AKS fleet.')
    .version(SCANNER_VERSION)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  program
    .command('scan')
    .description('Scan manifests, a live cluster or an AKS fleet. Without an input it scans the bundled demo fleet (demo/).')
    .argument('[paths...]', 'manifest files or folders (same as --manifests)')
    .option('--manifests <paths...>', 'files or folders of Kubernetes manifests (YAML, JSON, List, kubectl -o json exports)')
    .option('--namespace <name>', 'namespace of namespaced manifests without metadata.namespace, as kubectl apply -n (default: the --tenant when it is one namespace, else default)')
    .option('--cluster-name <name>', 'with manifests: the cluster they describe (default: the folder name, stdin for -); finding ids include it, so keep it stable for --baseline')
    .option('--mesh-config <file>', 'MeshConfig document (or ConfigMap with data.mesh) overriding the ConfigMaps in the manifests')
    .option('--aks-cluster <file>', 'ARM managed cluster JSON (az aks show -o json) for the AKS platform rules')
    .option('--mesh-revision-profile <file>', 'ARM meshRevisionProfiles GET response (az aks mesh get-revisions -o json)')
    .option('--istio-version <x.y>', 'Istio version to assume when the input does not tell (default: newest behaviour)')
    .option('--config <file>', 'scanner configuration (default: the nearest .istio-isolation-scanner.yaml from here up to the repository root)')
    .option('--no-config', 'use no configuration file, not even a discovered one')
    .addOption(new Option('--format <format>', 'format of the report on stdout, or of a plain --output FILE (default table)').choices(reportFormatNames()))
    .option('--output <target>', 'write a report: FORMAT=FILE (e.g. sarif=r.sarif, junit=r.xml; FILE - is stdout) or FILE (in --format); repeatable', collect)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity (default high; none for the demo)').choices([...SEVERITIES, 'none']))
    .option('--allow-incomplete', 'accept a partial scan (some kinds or manifest files unreadable) instead of exiting 2; a cluster that could not be read at all still exits 2')
    .option('--write-fixes <dir>', 'write ready-to-apply fix manifests for mechanical fixes into this directory')
    .option('--kubeconfig <file>', 'scan live clusters from this kubeconfig (read-only; nothing is written to disk)')
    .option('--context <name>', 'kubeconfig context to scan (default: current context)')
    .option('--all-contexts', 'scan every context of the kubeconfig')
    .option('--azure', 'discover and scan the AKS clusters visible to the Azure credential')
    .option('--subscription <ids...>', 'with --azure: subscriptions to scan (default: all visible)')
    .option('--resource-group <names...>', 'with --azure: resource groups to scan')
    .option('--send-to-log-analytics', 'also upload findings and scan records (needs LOGS_INGESTION_ENDPOINT and LOGS_DCR_IMMUTABLE_ID; LOGS_FINDINGS_STREAM and LOGS_SCANS_STREAM default to the deployed streams)')
    .option('--tenant <namespaces>', 'judge only these namespaces (comma-separated names or globs) and what their objects do to others; cluster-level findings are context and never fail the gate (default: tenant in the configuration)', collect)
    .option('--against [snapshot]', 'treat the manifests as a change on top of a base: a saved snapshot FILE, or (without FILE) the live cluster of --kubeconfig/--context; report introduced, resolved and unchanged findings and gate on introduced ones')
    .option('--removed <path>', 'with --against: manifest file or folder whose objects the change deletes (their old content, e.g. from git show BASE:path); repeatable', collect)
    .option('--removed-object <ref>', 'with --against: an object the change deletes, Kind[.group]/namespace/name (Kind/name when cluster-scoped), or @FILE listing one a line; repeatable', collect)
    .option('--baseline <report>', 'a previous JSON report (--output json=FILE): gate only on findings not in it, and list the fixed ones')
    .option('--quiet', 'no progress on stderr (long scans otherwise show it: a line rewritten in place on a terminal, a plain line every 10 s in CI logs); errors, warnings and notes still go there')
    .addHelpText('after', SCAN_HELP_FOOTER)
    .action(async (paths: string[], options: ScanOptions) => {
      // `scan ./k8s` reads like `scan --manifests ./k8s`; both together simply add up.
      const manifests = [...(options.manifests ?? []), ...paths];
      const { runScan } = await import('./scan.js');
      setExitCode(await runScan(manifests.length > 0 ? { ...options, manifests } : options, io));
    });

  program
    .command('snapshot')
    .description('Save a read-only snapshot of a cluster (no Secrets, no credentials) that `scan --against FILE` reads offline, e.g. in CI without cluster access.')
    .argument('[paths...]', 'save manifests (a kubectl get -A -o yaml dump) instead of a live cluster')
    .option('--kubeconfig <file>', 'read the cluster from this kubeconfig (read-only)')
    .option('--context <name>', 'kubeconfig context (default: current context)')
    .option('--all-contexts', 'not supported: a snapshot holds one cluster')
    .option('--namespace <name>', 'with manifests: namespace of namespaced objects without one (default: default)')
    .option('--aks-cluster <file>', 'ARM managed cluster JSON (az aks show -o json) to store with the snapshot')
    .option('--mesh-revision-profile <file>', 'ARM meshRevisionProfiles GET response to store with the snapshot')
    .option('--output <file>', 'where to write the snapshot (- for stdout)')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
Example:
  $ istio-isolation-scanner snapshot --kubeconfig ~/.kube/config --context prod --output cluster.json
  $ istio-isolation-scanner scan ./pr-manifests --against cluster.json --tenant team-a

Reference: docs/ci.md`)
    .action(async (paths: string[], options: SnapshotOptions) => {
      const { runSnapshot } = await import('./snapshot-command.js');
      setExitCode(await runSnapshot(paths.length > 0 ? { ...options, manifests: paths } : options, io));
    });

  program
    .command('rules')
    .description('List the rule catalogue')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
    .action(async (options: { format: string }) => {
      const { renderCatalogue } = await import('./rules-command.js');
      io.stdout(renderCatalogue(options.format));
      setExitCode(EXIT_OK);
    });

  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_OK;
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end "with an error" in exitOverride mode; they are successes.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`error: ${(error as Error).message ?? String(error)}\n`);
    return EXIT_USAGE;
  }
}
