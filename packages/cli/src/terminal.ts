// Where output goes: stdout for answers, stderr for progress and problems; colour only on a terminal and never with NO_COLOR.

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  readonly colour: boolean;
  /** stderr is a terminal: spinners and progress lines may redraw. */
  readonly interactive: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function processTerminal(): Terminal {
  const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
  const paint =
    (code: string) =>
    (text: string): string =>
      colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    colour,
    interactive: process.stderr.isTTY === true,
    green: paint('32'),
    red: paint('31'),
    yellow: paint('33'),
    dim: paint('2'),
    bold: paint('1'),
  };
}

/** Shows that something is going on, on stderr, only when it is a terminal; otherwise one line per change of text. */
export function startSpinner(terminal: Terminal, text: string): { update(text: string): void; stop(): void } {
  if (!terminal.interactive) {
    terminal.err(`◎ ${text}\n`);
    let last = text;
    return {
      update: (next) => {
        if (next !== last) terminal.err(`◎ ${next}\n`);
        last = next;
      },
      stop: () => undefined,
    };
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  let current = text;
  const draw = (): void => terminal.err(`\r\u001b[2K${frames[frame++ % frames.length]} ${current}`);
  draw();
  const timer = setInterval(draw, 100);
  return {
    update: (next) => {
      current = next;
    },
    stop: () => {
      clearInterval(timer);
      terminal.err('\r\u001b[2K');
    },
  };
}
