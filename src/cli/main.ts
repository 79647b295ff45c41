// The command line: `webgpu-hat train | bench`. Parses flags strictly (a bad flag prints the usage and
// exits with code 2), shows progress on stderr, and writes results where asked.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../config/usage-error.ts';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import { TRAIN_USAGE } from './train.ts';

const USAGE = `webgpu-hat — HAT continual learning on hand-written WebGPU kernels

Usage:
  webgpu-hat train [flags]      train a sequence of tasks (flags below)
  webgpu-hat compare [flags]    every approach × seed, the forgetting ratio, tables and plots
  webgpu-hat bench [flags]      microbenchmarks
  webgpu-hat export [flags]     a checkpoint as safetensors with the reference's names (flags below)
  webgpu-hat help               this text

bench flags:
  --suite NAME[,NAME]   matmul | conv | gates | step | all (default all)
  --peers               add tfjs WebGPU rows on the same adapter (devDependencies)
  --quick               fewer cases and iterations (a smoke run)
  --json FILE           write { adapter, results: [...] } to FILE

export flags:
  --checkpoint DIR|FILE --out FILE.safetensors
`;


function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}


async function benchCommand(args: string[]): Promise<void> {
  const { values } = parse(args, {
    suite: { type: 'string', default: 'all' },
    peers: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  });
  const { runBenchmarks, summarize, SUITES } = await import('../../bench/index.ts');
  const wanted = values.suite === 'all' ? [...SUITES] : values.suite!.split(',');
  for (const s of wanted) if (!(SUITES as readonly string[]).includes(s)) throw new UsageError(`--suite: unknown suite "${s}" (known: ${SUITES.join(', ')}, all)`);
  const { createEngine } = await import('../runtime/node.ts');
  const engine = await createEngine();
  try {
    process.stderr.write(`adapter: ${engine.describe()}\n`);
    const report = await runBenchmarks(engine, { suites: wanted as typeof SUITES[number][], peers: values.peers!, quick: values.quick!, log: (l) => process.stderr.write(l + '\n') });
    process.stdout.write(summarize(report) + '\n');
    if (values.json) {
      writeJsonAtomic(values.json, report);
      process.stderr.write(`results written to ${values.json}\n`);
    }
  } finally {
    engine.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'bench':
        await benchCommand(rest);
        return 0;
      case 'compare': {
        const { compareCommand } = await import('./compare.ts');
        await compareCommand(rest);
        return 0;
      }
      case 'train': {
        const { trainCommand } = await import('./train.ts');
        await trainCommand(rest);
        return 0;
      }
      case 'export': {
        const { exportCommand } = await import('./train.ts');
        await exportCommand(rest);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n' + TRAIN_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`webgpu-hat: ${e.message}\n\n${USAGE}\n${TRAIN_USAGE}`);
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
