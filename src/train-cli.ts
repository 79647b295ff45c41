// Placeholder replaced by the HAT issue's trainer command.
import { UsageError } from './cli.ts';
export async function trainCommand(_args: string[]): Promise<void> {
  throw new UsageError('train is not available yet');
}
