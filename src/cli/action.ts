import type { Command } from 'commander';
import { type CommandContext, createContext } from './context.ts';
import { deliver, type Outcome } from './outcome.ts';

/**
 * Wraps a command's work into a commander action: builds the context, delivers the outcome through
 * the shared contract, always closes the store, and sets the exit code. A handler returns an Outcome,
 * or a bare exit code for commands that are not gates (the sample service).
 */
export function action<O extends object>(
  handler: (ctx: CommandContext, args: string[], options: O) => Promise<Outcome | number>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    const options = command.opts<O>();
    const positional = args
      .slice(0, -2)
      .flat()
      .filter((a): a is string => typeof a === 'string');
    const ctx = createContext(command);
    try {
      const result = await handler(ctx, positional, options);
      process.exitCode = typeof result === 'number' ? result : await deliver(ctx, result);
    } finally {
      await ctx.close();
    }
  };
}

/** Adds the standard "Examples:" block to a command's --help. */
export function examples(command: Command, lines: Array<[string, string]>): Command {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  return command.addHelpText(
    'after',
    `\nExamples:\n${lines.map(([cmd, why]) => `  ${cmd.padEnd(width)}  ${why}`).join('\n')}\n`,
  );
}

const passThroughCommands = new WeakSet<Command>();

/** Marks a command whose flags are all parsed by the code it hands them to (no global flags, own --help). */
export function passThrough(command: Command): Command {
  passThroughCommands.add(command);
  return command.helpOption(false).allowUnknownOption().allowExcessArguments().passThroughOptions();
}

export function isPassThrough(command: Command): boolean {
  return passThroughCommands.has(command);
}
