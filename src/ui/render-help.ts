// Help rendered straight from the oclif manifest. `--help` is typed often and oclif's framework
// costs over 100 ms to load; the manifest already holds every flag, argument and example, so the
// help path loads nothing but this file. Layout follows oclif's own help.
import { compareCodePoints } from '../model/compare-code-points.js';


export interface ManifestFlag {
  name: string;
  char?: string;
  description?: string;
  summary?: string;
  helpValue?: string;
  type: 'boolean' | 'option';
  allowNo?: boolean;
  hidden?: boolean;
  options?: string[];
  default?: unknown;
}

export interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  examples?: string[];
  hidden?: boolean;
  strict?: boolean;
  args?: Record<string, { name: string; description?: string; required?: boolean }>;
  flags?: Record<string, ManifestFlag>;
}

export interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

const BIN = 'openkoi';

function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : ' '.repeat(indent) + text)).join('\n');
}

function table(rows: Array<[string, string]>, width: number): string {
  const left = Math.min(Math.max(...rows.map(([name]) => name.length)), 34);
  return rows
    .map(([name, text]) => {
      const pad = name.length > left ? `\n  ${' '.repeat(left + 2)}` : ' '.repeat(left - name.length + 2);
      return `  ${name}${pad}${wrap(text, width, left + 4)}`;
    })
    .join('\n');
}

function flagLabel(flag: ManifestFlag): string {
  const long = flag.type === 'boolean' && flag.allowNo ? `--[no-]${flag.name}` : `--${flag.name}`;
  const value = flag.type === 'option' ? `=${flag.helpValue ?? flag.name.toUpperCase()}` : '';
  return `${flag.char ? `-${flag.char}, ` : '    '}${long}${value}`;
}

function usageLine(command: ManifestCommand, isDefault: boolean): string {
  const args = Object.values(command.args ?? {}).map((arg) => {
    const name = `${arg.name.toUpperCase()}${command.strict === false ? '...' : ''}`;
    return arg.required ? name : `[${name}]`;
  });
  const prefix = isDefault ? BIN : `${BIN} ${command.id.replace(/:/g, ' ')}`;
  return `$ ${[prefix, ...args, Object.keys(command.flags ?? {}).length > 0 ? '[FLAGS]' : ''].filter(Boolean).join(' ')}`;
}

export function renderCommandHelp(command: ManifestCommand, width: number, isDefault = false): string {
  const sections: string[] = [];
  if (command.summary) sections.push(wrap(command.summary, width, 0));
  const usage = [usageLine(command, false)];
  if (isDefault) usage.unshift(usageLine(command, true));
  sections.push(`USAGE\n${usage.map((line) => `  ${line}`).join('\n')}`);
  const args = Object.values(command.args ?? {});
  if (args.length > 0) {
    sections.push(`ARGUMENTS\n${table(args.map((arg) => [arg.name.toUpperCase(), arg.description ?? '']), width)}`);
  }
  const flags = Object.values(command.flags ?? {}).filter((flag) => !flag.hidden);
  if (flags.length > 0) {
    const sorted = [...flags].sort((a, b) => Number(Boolean(b.char)) - Number(Boolean(a.char)) || compareCodePoints(a.name, b.name));
    const rows = sorted.map((flag): [string, string] => {
      const choices = flag.options ? ` <options: ${flag.options.join('|')}>` : '';
      return [flagLabel(flag), `${flag.summary ?? flag.description ?? ''}${choices}`];
    });
    sections.push(`FLAGS\n${table(rows, width)}`);
  }
  if (command.description) sections.push(`DESCRIPTION\n  ${wrap(command.description, width, 2)}`);
  if (command.examples && command.examples.length > 0) {
    const examples = command.examples.map((example) => `  $ ${example.replace(/<%= config.bin %>/g, BIN)}`);
    sections.push(`EXAMPLES\n${examples.join('\n\n')}`);
  }
  return `${sections.join('\n\n')}\n`;
}

export function renderRootHelp(manifest: Manifest, width: number, description: string): string {
  const sections = [wrap(description, width, 0), `VERSION\n  ${BIN}/${manifest.version}`];
  const run = manifest.commands['run'];
  if (run) sections.push(renderCommandHelp(run, width, true).trimEnd());
  const others = Object.values(manifest.commands).filter((command) => command.id !== 'run' && !command.hidden);
  if (others.length > 0) {
    const rows = others
      .sort((a, b) => compareCodePoints(a.id, b.id))
      .map((command): [string, string] => [command.id.replace(/:/g, ' '), command.summary ?? '']);
    sections.push(`COMMANDS\n${table(rows, width)}`);
  }
  return `${sections.join('\n\n')}\n`;
}

/**
 * The help text for an argv that asks for help, or undefined when it does not.
 * `openkoi --help`, `openkoi help [COMMAND]`, `openkoi COMMAND --help`.
 */
export function helpFor(argv: readonly string[], manifest: Manifest, description: string, width: number): string | undefined {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  const asksHelp = words[0] === 'help' || words.includes('--help') || words.includes('-h');
  if (!asksHelp) return undefined;
  const named = words[0] === 'help' ? words[1] : words[0];
  const topic = named?.startsWith('-') ? undefined : named;
  if (topic && manifest.commands[topic]) return renderCommandHelp(manifest.commands[topic], width, topic === 'run');
  return renderRootHelp(manifest, width, description);
}
