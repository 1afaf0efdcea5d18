// Test helpers: synthesise the CDK app into a temporary directory (as `npm run cdk:synth` does) and read the IAM
// statements of a role out of a template, however CloudFormation spells them.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildStackSet, type Stacks } from './stacks.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Synthesised {
  readonly stacks: Stacks;
  readonly bundleDir: string;
  template(stackName: string): Template;
  /** Removes the cloud assembly (it holds a copy of the Docker context). */
  remove(): void;
}

export async function synth(context: Record<string, unknown> = {}, root = ROOT): Promise<Synthesised> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-cdk-'));
  const bundleDir = path.join(outdir, 'appsync-bundles');
  const remove = () => rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, context });
  let stacks: Stacks;
  let assembly: ReturnType<App['synth']>;
  try {
    stacks = await buildStackSet(app, { root, bundleDir });
    assembly = app.synth();
  } catch (error) {
    remove();
    throw error;
  }
  return {
    stacks,
    bundleDir,
    template: (name) => Template.fromJSON(assembly.getStackByName(name).template as Record<string, unknown>),
    remove,
  };
}

export interface Statement {
  readonly actions: string[];
  readonly resources: unknown[];
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Every Allow statement a role holds: its inline policies and the AWS::IAM::Policy resources attached to it. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const resources = template.toJSON().Resources as Resources;
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const documents = [
    ...list(role.Properties?.Policies).map((p: any) => p.PolicyDocument),
    ...Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && list(r.Properties?.Roles).some((x: any) => x?.Ref === roleId))
      .map((r) => r.Properties!.PolicyDocument),
  ];
  return documents.flatMap((d: any) =>
    list(d.Statement).map((s: any) => {
      if (s.Effect !== 'Allow') throw new Error(`${roleId}: unexpected ${s.Effect} statement`);
      return { actions: list(s.Action).map(String).sort(), resources: list(s.Resource) };
    }),
  );
}

/** The logical ids of a type's resources. */
export function idsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** The one role whose trust policy names `service`, among roles matching `idPrefix`. */
export function roleId(template: Template, idPrefix: string): string {
  const ids = idsOf(template, 'AWS::IAM::Role').filter((id) => id.startsWith(idPrefix));
  if (ids.length !== 1) throw new Error(`expected one role ${idPrefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}
