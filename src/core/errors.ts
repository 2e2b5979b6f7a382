/**
 * A problem with what the user gave us (a flag, a file, a config value): reported as one line,
 * exit code 2, no stack trace. Anything else that escapes is a bug and keeps its stack under --debug.
 */
export interface UserErrorLocation {
  /** File the problem is in, as the user named it. */
  file?: string;
  /** 1-based line, when known. */
  line?: number;
  /** What to do about it. */
  hint?: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly hint: string | undefined;

  constructor(message: string, where: UserErrorLocation = {}) {
    super(message);
    this.file = where.file;
    this.line = where.line;
    this.hint = where.hint;
  }

  /** `file:line: message (hint)` — the single line the CLI prints. */
  format(): string {
    const at = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${at}${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Wraps an I/O error (ENOENT, EACCES, …) on a user-named file into a UserError. */
export function fileError(file: string, e: unknown, doing = 'read'): UserError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : ((e as Error | undefined)?.message ?? String(e));
  return new UserError(`cannot ${doing} file: ${why}`, { file });
}
