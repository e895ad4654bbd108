/**
 * Kubeconfig handling for live scans: which contexts to scan and one KubeConfig per
 * context. Everything stays in memory; credentials are resolved by @kubernetes/client-node
 * (tokens, client certificates, exec plugins such as kubelogin) at request time.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Where the default kubeconfig comes from (KUBECONFIG, ~/.kube/config, in-cluster service
 * account), or undefined when there is none. The library would then invent a context for
 * http://localhost:8080; the scanner says instead that there is nothing to scan.
 */
export function defaultKubeConfigSource(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECONFIG) return `KUBECONFIG (${env.KUBECONFIG})`;
  const home = env.HOME || homedir();
  if (home && existsSync(join(home, '.kube', 'config'))) return join(home, '.kube', 'config');
  if (existsSync(SERVICE_ACCOUNT_TOKEN)) return 'the in-cluster service account';
  return undefined;
}

/**
 * Loads a kubeconfig file, or the default one (KUBECONFIG, then ~/.kube/config) when no
 * path is given. Invalid entries are an error, not silently dropped: a scan of "nothing"
 * must not look like a clean scan. So is the absence of any kubeconfig.
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (!path && !defaultKubeConfigSource()) {
    throw new KubeConfigError('no kubeconfig to scan: --kubeconfig was not given, KUBECONFIG is not set and ~/.kube/config does not exist');
  }
  try {
    if (path) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KubeConfigError(`cannot load kubeconfig ${path ?? '(default)'}: ${code ?? (error as Error).message.split('\n')[0]}`);
  }
  if (kubeConfig.getContexts().length === 0) throw new KubeConfigError(`kubeconfig ${path ?? '(default)'} has no contexts`);
  return kubeConfig;
}

/** The contexts a scan covers: one named context, all of them, or the current one. */
export function selectContexts(kubeConfig: KubeConfig, selection: { context?: string; allContexts?: boolean }): string[] {
  const names = kubeConfig.getContexts().map((context) => context.name);
  if (selection.allContexts) return names;
  const wanted = selection.context ?? kubeConfig.getCurrentContext();
  if (!wanted) throw new KubeConfigError(`the kubeconfig has no current context; choose one with --context (${names.join(', ')})`);
  if (!names.includes(wanted)) throw new KubeConfigError(`context "${wanted}" is not in the kubeconfig (${names.join(', ')})`);
  return [wanted];
}

/**
 * A KubeConfig whose current context is `context`, sharing cluster and user entries with
 * the original. A fresh object per context keeps the library's per-config agent cache and
 * authenticators from mixing clusters when several contexts are scanned.
 */
export function kubeConfigForContext(kubeConfig: KubeConfig, context: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({ clusters: kubeConfig.getClusters(), users: kubeConfig.getUsers(), contexts: kubeConfig.getContexts(), currentContext: context });
  return copy;
}
