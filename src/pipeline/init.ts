import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../core/fs.ts';
import { TOOL_VERSION } from '../core/version.ts';
import { dependabotConfig, detectEcosystems } from '../deps/dependabot/init.ts';
import { detectProject, type ProjectCommands } from './project.ts';
import { templatesDir } from './templates.ts';

/**
 * `shipgate init`: the files that put the pipeline into a repository. One CI provider per table
 * row (its workflow templates and the secrets they read); the project's own install and test
 * commands are filled in, everything else runs shipgate.
 */
export interface CiProvider {
  name: string;
  /** Template folder under templates/ and where its files go in the repository. */
  templates: { from: string; to: string };
  /** Single files copied as they are: [template path, repository path, what]. */
  extras: ReadonlyArray<[string, string, string]>;
  secrets: ReadonlyArray<{ name: string; purpose: string }>;
  variables: ReadonlyArray<{ name: string; purpose: string }>;
}

export const CI_PROVIDERS: Record<string, CiProvider> = {
  github: {
    name: 'GitHub Actions',
    templates: { from: 'github/workflows', to: '.github/workflows' },
    extras: [
      ['github/actionlint.yaml', '.github/actionlint.yaml', 'actionlint: the self-hosted runner labels'],
    ],
    // The seed's names, so an existing PiWardrive setup keeps its secrets.
    secrets: [
      { name: 'SLACK_WEBHOOK_URL', purpose: 'Slack messages for deploys and alerts' },
      { name: 'MONITORING_URL', purpose: 'monitoring webhook receiving deploy and metric events' },
      { name: 'MONITORING_API_KEY', purpose: 'bearer token for MONITORING_URL' },
      { name: 'STAGING_AUTH_TOKEN', purpose: 'bearer token for the staging checks' },
      { name: 'EMAIL_SMTP_SERVER', purpose: 'SMTP server for email alerts and the report digest' },
      { name: 'EMAIL_SMTP_PORT', purpose: 'SMTP port (587 with STARTTLS)' },
      { name: 'EMAIL_USERNAME', purpose: 'SMTP user' },
      { name: 'EMAIL_PASSWORD', purpose: 'SMTP password' },
    ],
    variables: [
      { name: 'STAGING_URL', purpose: 'base URL of staging (validation, load test)' },
      { name: 'PRODUCTION_URL', purpose: 'base URL of production (shown on the deployment)' },
    ],
  },
};

export type FileAction = 'written' | 'replaced' | 'kept';

export interface InitFile {
  path: string;
  action: FileAction;
  what: string;
}

export interface InitOptions {
  root: string;
  ci: string;
  force: boolean;
  project?: Partial<Pick<ProjectCommands, 'install' | 'test' | 'junit' | 'openapi'>>;
  service: { port: number; healthPath: string };
}

export interface InitResult {
  files: InitFile[];
  project: ProjectCommands;
  provider: CiProvider;
}

/** The workflow text for this repository: placeholders replaced, nothing else touched. */
export function renderTemplate(
  text: string,
  project: ProjectCommands,
  service: { port: number; healthPath: string },
): string {
  const values: Record<string, string> = {
    SHIPGATE_VERSION: TOOL_VERSION,
    INSTALL_COMMAND: project.install,
    TEST_COMMAND: project.test,
    JUNIT: project.junit,
    OPENAPI: project.openapi,
    SERVICE_PORT: String(service.port),
    HEALTH_PATH: service.healthPath,
  };
  return text.replaceAll(/@@([A-Z_]+)@@/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });
}

export function runInit(options: InitOptions): InitResult {
  const provider = CI_PROVIDERS[options.ci];
  if (!provider) throw new Error(`unknown CI '${options.ci}'`);
  const project = detectProject(options.root, options.project);
  const templates = templatesDir();
  const files: InitFile[] = [];
  const put = (path: string, what: string, text: () => string): void => {
    const target = join(options.root, path);
    const exists = existsSync(target);
    if (exists && !options.force) {
      files.push({ path, action: 'kept', what });
      return;
    }
    writeFileAtomic(target, text());
    files.push({ path, action: exists ? 'replaced' : 'written', what });
  };

  const from = join(templates, provider.templates.from);
  for (const name of readdirSync(from)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const template = readFileSync(join(from, name), 'utf8');
    put(`${provider.templates.to}/${name}`, workflowName(template), () =>
      renderTemplate(template, project, options.service),
    );
  }
  for (const [template, path, what] of provider.extras)
    put(path, what, () => readFileSync(join(templates, template), 'utf8'));
  // After the workflows, so the github-actions ecosystem is detected too.
  put('.github/dependabot.yml', 'Dependabot update policy (shipgate dependabot init)', () =>
    dependabotConfig(detectEcosystems(options.root)),
  );
  put('shipgate.config.yaml', 'shipgate configuration, every setting with its default', () =>
    readFileSync(join(templates, 'shipgate.config.yaml'), 'utf8'),
  );
  return { files, project, provider };
}

function workflowName(template: string): string {
  return /^name:\s*(.+)$/m.exec(template)?.[1]?.trim() ?? 'workflow';
}

export function relativeTo(root: string, cwd: string): string {
  return relative(cwd, root) || '.';
}
