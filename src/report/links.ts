/** Links from reports to the rule documentation, from package.json `repository`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Used when package.json names no repository (set "repository" there to point helpUri at your fork). */
export const DEFAULT_REPOSITORY_URL = 'https://github.com/contoso/istio-isolation-scanner';

/** Repository web URL from package.json `repository` (string or { url }), else the default. */
export function repositoryUrl(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; repository?: string | { url?: string } };
      if (pkg.name === 'istio-isolation-scanner') {
        const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
        if (raw) return raw.replace(/^git\+/, '').replace(/\.git$/, '');
        break;
      }
    }
    dir = dirname(dir);
  }
  return DEFAULT_REPOSITORY_URL;
}

export function ruleDocUrl(ruleId: string, baseUrl: string = repositoryUrl()): string {
  return `${baseUrl}/blob/main/docs/rules/${ruleId}.md`;
}
