/**
 * `azd up` wiring: azure.yaml points at infra/main.bicep, the parameters file only sets
 * parameters main.bicep declares and sets every one it requires, and the Function App
 * carries the tag azd uses to find the service.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { compileBicep, readRepoFile, readRepoJson, repoPath } from './helpers.js';

const azureYaml = parse(readRepoFile('azure.yaml')) as { name: string; infra: { provider: string; path: string; module: string }; services: Record<string, { project: string; language: string; host: string }> };

describe('azure.yaml', () => {
  it('provisions infra/main.bicep and deploys one Function App service', () => {
    expect(azureYaml.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(existsSync(repoPath(`${azureYaml.infra.path}/${azureYaml.infra.module}.bicep`))).toBe(true);
    expect(Object.keys(azureYaml.services)).toEqual(['scanner']);
    expect(azureYaml.services.scanner).toMatchObject({ project: '.', language: 'ts', host: 'function' });
    // azd deploys to the resource tagged with the service name.
    expect(readRepoFile('infra/main.bicep')).toContain("azdServiceName: 'scanner'");
    expect(readRepoFile('infra/modules/function-app.bicep')).toContain("'azd-service-name': azdServiceName");
  });

  it('deploys a project whose build produces the Functions entry point', () => {
    const packageJson = readRepoJson<{ main: string; scripts: Record<string, string> }>('package.json');
    expect(packageJson.main).toBe('dist/functions/index.js');
    expect(packageJson.scripts.build).toBeDefined();
  });
});

describe('infra/main.parameters.json', () => {
  type ParameterDefinition = { type?: string; defaultValue?: unknown; allowedValues?: unknown[]; $ref?: string; nullable?: boolean };
  const template = compileBicep('infra/main.bicep') as { parameters: Record<string, ParameterDefinition>; definitions?: Record<string, ParameterDefinition> };
  // Parameters typed with an imported type refer to it: '#/definitions/<name>'.
  const allowedValuesOf = (name: string): unknown[] | undefined => {
    const definition = template.parameters[name]!;
    return definition.$ref ? template.definitions?.[definition.$ref.split('/').pop()!]?.allowedValues : definition.allowedValues;
  };
  const parameters = readRepoJson<{ parameters: Record<string, { value: unknown }> }>('infra/main.parameters.json').parameters;

  it('sets only parameters main.bicep declares', () => {
    expect(Object.keys(parameters).filter((name) => !(name in template.parameters))).toEqual([]);
  });

  it('sets every parameter main.bicep requires', () => {
    const required = Object.entries(template.parameters).filter(([, definition]) => !('defaultValue' in definition) && definition.nullable !== true).map(([name]) => name);
    expect(required.filter((name) => !(name in parameters))).toEqual([]);
  });

  it('defaults azd environment substitutions to allowed values', () => {
    const defaults = Object.entries(parameters).flatMap(([name, { value }]) => {
      const match = typeof value === 'string' ? /^\$\{[A-Z_]+=(.*)\}$/.exec(value) : null;
      return match ? [[name, match[1]] as const] : [];
    });
    expect(defaults.map(([name]) => name).sort()).toEqual(['actionGroupResourceId', 'alertEmails', 'exportToPolicyEffect', 'scanScope']);
    for (const [name, value] of defaults) {
      if (allowedValuesOf(name)) expect(allowedValuesOf(name)).toContain(value);
      else expect(template.parameters[name]!.defaultValue).toBe(value);
    }
  });

  it('maps the alert receivers to azd environment variables (a string parameter, as azd substitutes strings)', () => {
    expect(parameters.alertEmails!.value).toBe('${ALERT_EMAILS=}');
    expect(parameters.actionGroupResourceId!.value).toBe('${ALERT_ACTION_GROUP_ID=}');
    expect((template.parameters.alertEmails as { type?: string }).type).toBe('string');
  });
});

describe('the postprovision hook', () => {
  const hook = (env: Record<string, string>) => spawnSync('sh', [repoPath('scripts/azd-postprovision.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

  it('is wired in azure.yaml for posix and Windows shells', () => {
    const hooks = (parse(readRepoFile('azure.yaml')) as { hooks: { postprovision: { posix: { run: string }; windows: { run: string } } } }).hooks.postprovision;
    expect(hooks.posix.run).toBe('scripts/azd-postprovision.sh');
    expect(hooks.windows.run).toContain('ALERT_NOTIFICATIONS');
  });

  it('warns when the alerts notify no one, without failing the provisioning', () => {
    const result = hook({ ALERT_NOTIFICATIONS: 'NONE: no e-mail receivers and no action group, so the alerts notify no one.' });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^WARNING: .*notify no one/);
  });

  it('says who is notified otherwise', () => {
    const result = hook({ ALERT_NOTIFICATIONS: 'e-mail: ops@example.com' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('alerts notify: e-mail: ops@example.com');
    expect(result.stderr).toBe('');
  });

  it('warns when the output is missing', () => {
    expect(hook({}).stderr).toMatch(/^WARNING/);
  });
});
