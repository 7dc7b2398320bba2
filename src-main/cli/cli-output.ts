/**
 * Output of the command line: human text or JSON (`--json`, one JSON document per result, JSON lines for
 * progress), errors as one clear line on stderr with their code.
 */
export interface CliOutput {
  readonly json: boolean;
  /** A human line on stdout (suppressed in JSON mode). */
  line(text: string): void;
  /** A result: printed as JSON in JSON mode, else through `human`. */
  result(value: unknown, human: () => string): void;
  /** A progress update: a JSON line in JSON mode; a live line on a terminal; nothing otherwise. */
  progress(value: Record<string, unknown>, human: () => string): void;
  /** Ends a live progress line, if one is shown. */
  endProgress(): void;
  warn(text: string): void;
  error(code: string, message: string): void;
}

export function createCliOutput(options: {
  json: boolean;
  interactive: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}): CliOutput {
  const { json, interactive, stdout, stderr } = options;
  let liveLine = false;
  const clearLive = () => {
    if (liveLine) {
      stdout.write('\r\x1b[2K');
      liveLine = false;
    }
  };
  return {
    json,
    line(text) {
      if (json) return;
      clearLive();
      stdout.write(`${text}\n`);
    },
    result(value, human) {
      clearLive();
      stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    progress(value, human) {
      if (json) stdout.write(`${JSON.stringify({ type: 'progress', ...value })}\n`);
      else if (interactive) {
        stdout.write(`\r\x1b[2K${human()}`);
        liveLine = true;
      }
    },
    endProgress: clearLive,
    warn(text) {
      clearLive();
      stderr.write(json ? `${JSON.stringify({ type: 'warning', message: text })}\n` : `warning: ${text}\n`);
    },
    error(code, message) {
      clearLive();
      stderr.write(
        json
          ? `${JSON.stringify({ type: 'error', code, message })}\n`
          : `backup-manager: ${code}: ${message}\n`,
      );
    },
  };
}
