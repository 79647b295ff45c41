// The command line: `webgpu-hat <command> [flags]`. Each command is its own module, loaded only when it
// runs; this file decides the exit codes (2 for a usage mistake, 0 for help, 1 for any other failure)
// and prints the usage, which src/config/ writes from the schema.
import { COMMANDS, UsageError, commandSpec, commandUsage, fullHelp, isHelpRequested, topUsage, type CommandName, type HelpRequested } from '../config/index.ts';

interface CommandModule {
  run(args: string[]): Promise<HelpRequested | void>;
}

const LOADERS: Record<CommandName, () => Promise<CommandModule>> = {
  train: () => import('./train.ts'),
  compare: () => import('./compare.ts'),
  sweep: () => import('./sweep.ts'),
  worker: () => import('./worker.ts'),
  bench: () => import('./bench.ts'),
  kernel: () => import('./kernel.ts'),
  tune: () => import('./tune.ts'),
  export: () => import('./export.ts'),
  eval: () => import('./eval.ts'),
  forget: () => import('./forget.ts'),
  prune: () => import('./prune.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const spec = command === undefined ? undefined : commandSpec(command);
  try {
    if (command === undefined) {
      process.stderr.write(topUsage());
      return 2;
    }
    if (command === 'help' || command === '--help' || command === '-h') {
      const about = rest[0];
      if (about === undefined) process.stdout.write(fullHelp());
      else if (commandSpec(about)) process.stdout.write(commandUsage(about));
      else throw new UsageError(`help: unknown command "${about}" (${COMMANDS.map((c) => c.name).join(' | ')})`);
      return 0;
    }
    if (!spec) throw new UsageError(`unknown command "${command}"`);
    const outcome = await (await LOADERS[spec.name]()).run(rest);
    if (isHelpRequested(outcome)) process.stdout.write(commandUsage(spec.name));
    // A command whose verdict is negative (a kernel check that failed, a sweep with failed runs) says so
    // through process.exitCode without throwing.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`webgpu-hat: ${e.message}\n\n${spec ? commandUsage(spec.name) : topUsage()}`);
      return 2;
    }
    // Errors meant for the user (bad data, a NaN loss, a lost device, a bad checkpoint) carry a message
    // that says it all; programming errors keep their stack (WEBGPU_HAT_DEBUG=1 shows it for all).
    const err = e as Error;
    const bug = err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError;
    process.stderr.write(`webgpu-hat: ${(bug || process.env.WEBGPU_HAT_DEBUG) && err.stack ? err.stack : `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? err}`}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
