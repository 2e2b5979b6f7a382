/**
 * node:sqlite, loaded without its ExperimentalWarning. The warning is noise for users of a CLI
 * (they did not choose the module); every other warning still reaches stderr.
 */
type SqliteModule = typeof import('node:sqlite');

let loaded: Promise<SqliteModule> | undefined;

export function loadSqlite(): Promise<SqliteModule> {
  if (!loaded) {
    const emit = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning.message;
      const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
      if (
        (type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') &&
        /SQLite/i.test(text)
      )
        return;
      (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    loaded = import('node:sqlite').finally(() => {
      process.emitWarning = emit;
    });
  }
  return loaded;
}
