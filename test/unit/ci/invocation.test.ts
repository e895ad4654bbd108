/** Relative paths are resolved against the directory the user ran the command in, also through `npm run`. */
import { describe, expect, it } from '@jest/globals';
import { invocationDirectory } from '../../../src/cli/io.js';

describe('the directory relative paths are resolved against', () => {
  it("is npm's INIT_CWD for this package's own scan and cli scripts only", () => {
    const own = { npm_package_name: 'istio-isolation-scanner', npm_lifecycle_event: 'scan', INIT_CWD: '/home/me/repo/k8s' };
    expect(invocationDirectory(own, '/opt/scanner')).toBe('/home/me/repo/k8s');
    expect(invocationDirectory({ ...own, npm_lifecycle_event: 'cli' }, '/opt/scanner')).toBe('/home/me/repo/k8s');
    // A tenant repository's own script calling the installed scanner means its own package directory.
    expect(invocationDirectory({ ...own, npm_package_name: 'tenant-repo' }, '/home/me/repo')).toBe('/home/me/repo');
    expect(invocationDirectory({ ...own, npm_lifecycle_event: 'test' }, '/opt/scanner')).toBe('/opt/scanner');
    expect(invocationDirectory({}, '/here')).toBe('/here');
  });
});
