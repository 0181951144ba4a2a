import { EntryPoint, runEntryPoint } from './processes';

const COMMAND_DEADLINE_MS = 30_000;

export interface Result {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `node dist/<entry> ...args` and waits for it to exit (a hang fails the test). */
export async function runCommand(
  entry: EntryPoint,
  env: Record<string, string>,
  args: string[],
  deadlineMs = COMMAND_DEADLINE_MS,
): Promise<Result> {
  const started = Date.now();
  const command = runEntryPoint(entry, { NODE_ENV: 'development', ...env }, args);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    command.exited,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        command.child.kill('SIGKILL');
        reject(new Error(`${entry} ${args.join(' ')} still running:\n${command.output()}`));
      }, deadlineMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return { code, output: command.output(), ms: Date.now() - started };
}
