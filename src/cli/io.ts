/** The CLI's only contact with its process: streams, environment, working directory. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (colours, progress). */
  isTty: boolean;
  /** Width of the stdout terminal, when it is one (the table wraps to it; 100 otherwise). */
  columns?: number;
  /** True when stderr is a terminal: progress is one line rewritten in place, else plain periodic lines. */
  stderrIsTty?: boolean;
  /** Width of the stderr terminal, when it is one (the progress line is cut to it). */
  stderrColumns?: number;
  /** Milliseconds clock for progress; default Date.now (tests pass their own). */
  now?: () => number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** All of standard input (for the manifest path `-`), at most `limit` bytes; rejects beyond it. Default: process.stdin. */
  readStdin?: (limit: number) => Promise<Buffer>;
}

/** Reads a stream to its end, refusing more than `limit` bytes. */
export async function readStreamBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) throw new Error(`standard input is larger than ${limit} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/**
 * The directory the user ran the command in. `npm run scan -- ./dir` runs this package's
 * script from the package root, so npm's INIT_CWD (where npm was invoked) is the user's
 * directory. Only for this package's own scripts: a tenant repository's own npm script that
 * calls the installed scanner means paths relative to its package, which is the cwd.
 */
export function invocationDirectory(env: NodeJS.ProcessEnv, cwd: string): string {
  const ownScript = env.npm_package_name === 'istio-isolation-scanner' && (env.npm_lifecycle_event === 'scan' || env.npm_lifecycle_event === 'cli');
  return ownScript && env.INIT_CWD ? env.INIT_CWD : cwd;
}

export function processIo(): CliIo {
  // A reader that stops early (`scan --format json | head`) closes the pipe: the rest of the
  // report has nowhere to go. Stop writing instead of crashing; the exit code still says the gate.
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    stderrIsTty: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.isTTY ? process.stderr.columns : undefined,
    env: process.env,
    cwd: invocationDirectory(process.env, process.cwd()),
    readStdin: (limit) => readStreamBounded(process.stdin, limit),
  };
}
