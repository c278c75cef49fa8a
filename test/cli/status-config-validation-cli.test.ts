import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

// `openkoi status` loads zod and the config schema only when something needs validating (a fresh
// home validates nothing: the start-up benchmark's case). Each source of config must still be
// validated: if a check in prepareConfigValidation were dropped, status would fail with an
// internal error instead of naming the bad key.
describe('openkoi status validates every config source it reads, loading the schema only then', () => {
  function home() {
    const paths = temporaryHome();
    mkdirSync(paths.openkoiHome, { recursive: true });
    const workspace = join(paths.home, 'project');
    mkdirSync(join(workspace, '.openkoi'), { recursive: true });
    return { ...paths, workspace, environment: { HOME: paths.home, OPENKOI_HOME: paths.openkoiHome, OPENAI_API_KEY: 'sk-fake-status-validation-0123' } };
  }

  it('a fresh home: status answers (nothing to validate)', async () => {
    const { environment, workspace } = home();
    const run = await runOpenkoi(['status'], environment, { cwd: workspace });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('executor   openai/gpt-5.2');
  });

  it('the user file', async () => {
    const { environment, openkoiHome, workspace } = home();
    writeFileSync(join(openkoiHome, 'config.toml'), '[engine]\nqualty = 0.5\n');
    const run = await runOpenkoi(['status'], environment, { cwd: workspace });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/engine\.qualty/);
    expect(run.stderr).not.toMatch(/internal error/);
  });

  it('the project file', async () => {
    const { environment, workspace } = home();
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), '[engine]\niterations = "many"\n');
    const run = await runOpenkoi(['status'], environment, { cwd: workspace });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/engine\.iterations/);
    expect(run.stderr).not.toMatch(/internal error/);
  });

  it('an OPENKOI_* variable', async () => {
    const { environment, workspace } = home();
    const run = await runOpenkoi(['status'], { ...environment, OPENKOI_MODEL: 'no-provider-here' }, { cwd: workspace });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/OPENKOI_EXECUTOR: expected a model reference/);
    expect(run.stderr).not.toMatch(/internal error/);
  });

  it('--config PATH', async () => {
    const { environment, home: folder, workspace } = home();
    const path = join(folder, 'other.toml');
    writeFileSync(path, '[routing]\nmax_cooldown_s = -1\n');
    const run = await runOpenkoi(['status', '--config', path], environment, { cwd: workspace });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/routing\.max_cooldown_s/);
    expect(run.stderr).not.toMatch(/internal error/);
  });
});
