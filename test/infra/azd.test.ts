/**
 * `azd up` wiring: azure.yaml points at infra/main.bicep, the parameters file only sets
 * parameters main.bicep declares and sets every one it requires, and the Function App
 * carries the tag azd uses to find the service.
 */
import { describe, expect, it } from '@jest/globals';
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
  type ParameterDefinition = { defaultValue?: unknown; allowedValues?: unknown[]; $ref?: string };
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
    const required = Object.entries(template.parameters).filter(([, definition]) => !('defaultValue' in definition)).map(([name]) => name);
    expect(required.filter((name) => !(name in parameters))).toEqual([]);
  });

  it('defaults azd environment substitutions to allowed values', () => {
    const defaults = Object.entries(parameters).flatMap(([name, { value }]) => {
      const match = typeof value === 'string' ? /^\$\{[A-Z_]+=(.*)\}$/.exec(value) : null;
      return match ? [[name, match[1]] as const] : [];
    });
    expect(defaults.map(([name]) => name).sort()).toEqual(['exportToPolicyEffect', 'scanScope']);
    for (const [name, value] of defaults) expect(allowedValuesOf(name)).toContain(value);
  });
});
