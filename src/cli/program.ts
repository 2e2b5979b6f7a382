import { Command, type CommanderError, Option } from 'commander';
import { TOOL_VERSION } from '../core/version.ts';
import { isPassThrough } from './action.ts';
import { COMMANDS } from './commands.ts';
import { OUTPUT_FORMATS } from './context.ts';

/** The flags every command takes, before or after its name (`shipgate --json r.json history` or `shipgate history --json r.json`). */
function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'configuration file (shipgate.config.yaml|json or the seed performance_config.json)',
    )
    .option(
      '--store <url>',
      'history store: a SQLite path or postgres:// URL (default $SHIPGATE_STORE or .shipgate/shipgate.db)',
    )
    .option('--json <file>', 'also write the result envelope (JSON) to this file')
    .addOption(new Option('--format <format>', 'output on stdout').choices(OUTPUT_FORMATS))
    .option('--debug', 'show debug logs and stack traces')
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .option('-q, --quiet', 'print only warnings, errors and the result');
}

/**
 * The shipgate program: global flags, then one module per command from the COMMANDS table.
 * Global flags are declared on every command (positional options), so a command may have a flag
 * of its own that the root also has — `sample-service --version V` is not `shipgate --version`.
 * Errors from commander (unknown flag, bad value) are kept to one line and exit 2.
 */
export function buildProgram(): Command {
  const program = new Command('shipgate')
    .description(
      'The delivery safety net for an HTTP service: measure, gate, deploy and watch it.\n' +
        'Every command ends in a verdict: exit 0 pass, 1 gate failed, 2 usage or input error, 3 inconclusive.',
    )
    .version(TOOL_VERSION, '-V, --version', 'print the shipgate version')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  shipgate demo                               run everything against the bundled sample service
  shipgate config check --config performance_config.json
  shipgate history --kind demo --limit 5
  shipgate <command> --help                   flags and examples of one command

Docs: README.md and docs/ in the shipgate package.`,
    );
  addGlobalOptions(program);

  for (const register of COMMANDS) register(program);

  const finish = (cmd: Command, path: string) => {
    cmd.exitOverride();
    cmd.configureOutput({
      outputError: (str, write) =>
        write(`shipgate: ${str.replace(/^error: /, '').trim()} (see '${path} --help')\n`),
    });
    if (cmd !== program && cmd.commands.length === 0 && !isPassThrough(cmd)) addGlobalOptions(cmd);
    for (const sub of cmd.commands) finish(sub, `${path} ${sub.name()}`);
  };
  finish(program, 'shipgate');
  return program;
}

/** Maps commander's own exits: help and version are successes, every parse error is a usage error. */
export function commanderExitCode(e: CommanderError): number {
  return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
    ? 0
    : 2;
}
