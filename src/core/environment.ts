import { execFileSync } from 'node:child_process';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { TOOL_VERSION } from './version.ts';

/**
 * Where a result was measured. Comparing results from different machines is how regression gates
 * lie, so every envelope and baseline carries this fingerprint.
 */
export interface Environment {
  os: string;
  osRelease: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  node: string;
  shipgate: string;
  host: string;
  ci: boolean;
  git?: GitInfo;
}

export interface GitInfo {
  commit?: string;
  branch?: string;
  dirty?: boolean;
}

/** Git commit and branch of `cwd`, preferring CI's variables (a detached CI checkout has no branch name). */
export function gitInfo(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): GitInfo {
  const run = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
        .toString()
        .trim();
    } catch {
      return undefined;
    }
  };
  const commit = env.GITHUB_SHA || run('rev-parse', 'HEAD');
  const ciBranch =
    env.GITHUB_HEAD_REF || (env.GITHUB_REF?.startsWith('refs/heads/') ? env.GITHUB_REF.slice(11) : undefined);
  const localBranch = run('rev-parse', '--abbrev-ref', 'HEAD');
  const branch = ciBranch || (localBranch && localBranch !== 'HEAD' ? localBranch : undefined);
  const info: GitInfo = {};
  if (commit) info.commit = commit;
  if (branch) info.branch = branch;
  if (commit && !env.GITHUB_SHA)
    info.dirty = (run('status', '--porcelain', '--untracked-files=no') ?? '') !== '';
  return info;
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}

let cached: Environment | undefined;

export function environmentFingerprint(): Environment {
  if (cached) return cached;
  const cpu = cpus();
  const git = gitInfo();
  cached = {
    os: platform(),
    osRelease: release(),
    arch: arch(),
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    memoryBytes: totalmem(),
    node: process.versions.node,
    shipgate: TOOL_VERSION,
    host: hostname(),
    ci: isCI(),
    ...(Object.keys(git).length > 0 ? { git } : {}),
  };
  return cached;
}
