import { execFile } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileError, UserError } from '../core/errors.ts';
import { HttpError, httpExchange } from '../core/http.ts';
import { registerSecret } from '../core/redact.ts';

/**
 * Where a document comes from: a file, an HTTP(S) URL, or `git:REF:path` read with `git show`
 * (no checkout, so a CI job can compare against main without touching the work tree). Each kind
 * also knows how to read what a relative `$ref` names, from the same place.
 */
export interface LoadOptions {
  /** Extra request headers for URLs (`Name: value`). */
  headers?: Record<string, string>;
  /** Bearer token for URLs; never printed. */
  token?: string;
  timeoutMs?: number;
  /** Documents beyond this are refused rather than parsed. */
  maxBytes?: number;
  cwd?: string;
}

export interface SourceText {
  /** As the user would recognise it: the path, URL or git spec. */
  label: string;
  text: string;
  /** Reads a document named relative to this one (a `$ref` to another file). */
  sibling(ref: string): Promise<SourceText>;
}

/** A source failed for reasons outside the document (network, HTTP status): the diff cannot tell. */
export class SourceUnavailableError extends UserError {}

export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

interface SourceKind {
  matches(spec: string): boolean;
  read(spec: string, options: LoadOptions): Promise<SourceText>;
}

const SOURCE_KINDS: SourceKind[] = [
  { matches: (s) => /^https?:\/\//i.test(s), read: readUrl },
  { matches: (s) => s.startsWith('git:'), read: readGit },
  { matches: () => true, read: (s, o) => readLocalFile(s, o) },
];

export function readSource(spec: string, options: LoadOptions = {}): Promise<SourceText> {
  const kind = SOURCE_KINDS.find((k) => k.matches(spec)) as SourceKind;
  return kind.read(spec, options);
}

function tooLarge(label: string, size: number, max: number): UserError {
  return new UserError(`document is ${size} bytes, more than the ${max}-byte limit`, {
    file: label,
    hint: 'raise it with --max-size if the document is really this large',
  });
}

/**
 * `$ref`s to other files are followed only inside `root` (the folder of the first document, or the
 * working directory when that is an ancestor): a spec must not be able to read `/etc/passwd`.
 */
async function readLocalFile(path: string, options: LoadOptions, root?: string): Promise<SourceText> {
  const cwd = options.cwd ?? process.cwd();
  const full = resolve(cwd, path);
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string;
  try {
    const info = await stat(full);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > max) throw tooLarge(path, info.size, max);
    text = await readFile(full, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw fileError(path, e);
  }
  const here = dirname(await realpath(full));
  const boundary = root ?? (isInside(cwd, here) ? cwd : here);
  return {
    label: path,
    text,
    async sibling(ref) {
      const target = resolve(here, ref);
      const real = await realpath(target).catch(() => target);
      if (!isInside(boundary, real)) {
        throw new UserError(`$ref '${ref}' points outside ${boundary}`, {
          file: path,
          hint: 'referenced files must live beside the document',
        });
      }
      return readLocalFile(relative(cwd, target) || target, options, boundary);
    },
  };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function readUrl(url: string, options: LoadOptions): Promise<SourceText> {
  const headers: Record<string, string> = { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (options.token) {
    registerSecret(options.token);
    headers.authorization = `Bearer ${options.token}`;
  }
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let res: Awaited<ReturnType<typeof httpExchange>>;
  try {
    res = await httpExchange(url, { headers, timeoutMs: options.timeoutMs ?? 30_000, maxBodyBytes: max + 1 });
  } catch (e) {
    if (e instanceof HttpError) throw new SourceUnavailableError(e.message);
    throw e;
  }
  if (Buffer.byteLength(res.text) > max) throw tooLarge(url, Buffer.byteLength(res.text), max);
  if (res.status === 401 || res.status === 403) {
    throw new SourceUnavailableError(`${url}: HTTP ${res.status}`, {
      hint: options.token ? 'the token was refused' : 'the document needs auth: pass --token or --header',
    });
  }
  if (res.status < 200 || res.status > 299) throw new SourceUnavailableError(`${url}: HTTP ${res.status}`);
  return {
    label: url,
    text: res.text,
    // Relative references on a served document stay on the same origin, with the same credentials.
    async sibling(ref) {
      const target = new URL(ref, url);
      if (target.origin !== new URL(url).origin) {
        throw new UserError(`$ref '${ref}' points to another origin`, { file: url });
      }
      return readUrl(target.href, options);
    },
  };
}

const run = promisify(execFile);

async function readGit(spec: string, options: LoadOptions): Promise<SourceText> {
  const m = /^git:([^:]+):(.+)$/.exec(spec);
  if (!m) throw new UserError(`'${spec}' is not git:REF:path`, { hint: 'e.g. git:origin/main:openapi.json' });
  const [, ref, path] = m as unknown as [string, string, string];
  if (ref.startsWith('-')) throw new UserError(`'${ref}' is not a git revision`);
  const cwd = options.cwd ?? process.cwd();
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string;
  try {
    // `git show REF:./path` reads relative to the working directory, like a file argument.
    const r = await run('git', ['show', `${ref}:${path.startsWith('/') ? path.slice(1) : `./${path}`}`], {
      cwd,
      maxBuffer: max + 1,
      encoding: 'utf8',
    });
    text = r.stdout;
  } catch (e) {
    const err = e as { stderr?: string; code?: string | number };
    if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') throw tooLarge(spec, max + 1, max);
    const why = (err.stderr ?? String(e)).trim().split('\n')[0];
    throw new UserError(`cannot read ${spec}: ${why}`);
  }
  return {
    label: spec,
    text,
    sibling(ref2) {
      const joined = posix.normalize(posix.join(posix.dirname(path), ref2));
      if (joined.startsWith('..')) throw new UserError(`$ref '${ref2}' points outside the repository`);
      return readGit(`git:${ref}:${joined}`, options);
    },
  };
}
