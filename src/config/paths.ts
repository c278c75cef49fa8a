import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where openkoi keeps its state: `OPENKOI_HOME`, default `~/.openkoi`. */
export function openkoiHome(environment: NodeJS.ProcessEnv = process.env): string {
  const configured = environment['OPENKOI_HOME'];
  return configured && configured.trim() !== '' ? configured : join(homedir(), '.openkoi');
}

export function userConfigPath(environment: NodeJS.ProcessEnv = process.env): string {
  return join(openkoiHome(environment), 'config.toml');
}

export function projectConfigPath(workspace: string = process.cwd()): string {
  return join(workspace, '.openkoi', 'config.toml');
}

export function databasePath(environment: NodeJS.ProcessEnv = process.env): string {
  return join(openkoiHome(environment), 'openkoi.db');
}
