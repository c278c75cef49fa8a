// `[tools] allow / ask / deny` rules: `shell(npm test*)`, `edit(src/**)`, `write`, `fs__write_file`.
// A rule is a tool name and an optional pattern over the call's subject (the command for shell,
// the workspace-relative path for file tools). Commands match with `*` as "anything"; paths match
// as globs (picomatch). Precedence: deny wins, then ask, then allow. A shell chain (`a && b`) is
// judged command by command (split-shell-command.ts).
import picomatch from 'picomatch';
import { splitShellCommand } from './split-shell-command.js';

export interface PermissionRule {
  text: string;
  tool: string;
  pattern?: string;
}

export class PermissionRuleError extends Error {
  override name = 'PermissionRuleError';
}

export function parsePermissionRule(text: string): PermissionRule {
  const match = /^\s*([A-Za-z0-9_.:-]+)\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!match) throw new PermissionRuleError(`tool rule "${text}" is not of the form name or name(pattern), e.g. "shell(npm test*)" or "edit(src/**)"`);
  return { text, tool: match[1]!, ...(match[2] !== undefined && match[2] !== '' ? { pattern: match[2] } : {}) };
}

function wildcardToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

/** Whether `rule` covers a call of `tool` with `subject`. Commands (shell) match by wildcard; everything else as a path glob. */
export function ruleMatches(rule: PermissionRule, tool: string, subject: string | undefined): boolean {
  if (rule.tool !== tool && rule.tool !== '*') return false;
  if (rule.pattern === undefined || rule.pattern === '*' || rule.pattern === '**') return true;
  if (subject === undefined) return false;
  if (tool === 'shell') return wildcardToRegExp(rule.pattern).test(subject.trim());
  return picomatch(rule.pattern, { dot: true })(subject) || wildcardToRegExp(rule.pattern).test(subject);
}

export interface PermissionRules {
  allow: PermissionRule[];
  ask: PermissionRule[];
  deny: PermissionRule[];
}

export function parsePermissionRules(config: { allow?: string[] | undefined; ask?: string[] | undefined; deny?: string[] | undefined }): PermissionRules {
  return {
    allow: (config.allow ?? []).map(parsePermissionRule),
    ask: (config.ask ?? []).map(parsePermissionRule),
    deny: (config.deny ?? []).map(parsePermissionRule),
  };
}

function coversAnything(rule: PermissionRule): boolean {
  return rule.pattern === undefined || rule.pattern === '*' || rule.pattern === '**';
}

/**
 * A shell command line against one rule list. deny and ask catch a chain when the whole line or
 * any command in it matches; allow needs every command of the chain matched (by any allow rule),
 * and an opaque line (command substitution) only by a rule without a pattern.
 */
function matchShell(rules: PermissionRule[], verdict: 'deny' | 'ask' | 'allow', subject: string): PermissionRule | undefined {
  const shellRules = rules.filter((rule) => rule.tool === 'shell' || rule.tool === '*');
  const { commands, opaque } = splitShellCommand(subject);
  if (verdict !== 'allow') {
    return shellRules.find((rule) => ruleMatches(rule, 'shell', subject) || commands.some((command) => ruleMatches(rule, 'shell', command)));
  }
  const unconditional = shellRules.find(coversAnything);
  if (unconditional) return unconditional;
  if (opaque || commands.length === 0) return undefined;
  const perCommand = commands.map((command) => shellRules.find((rule) => ruleMatches(rule, 'shell', command)));
  return perCommand.every((rule) => rule !== undefined) ? perCommand[0] : undefined;
}

/** The first rule list that covers the call, in precedence order: deny, then ask, then allow. */
export function matchRules(rules: PermissionRules, tool: string, subject: string | undefined): { verdict: 'deny' | 'ask' | 'allow'; rule: PermissionRule } | undefined {
  for (const verdict of ['deny', 'ask', 'allow'] as const) {
    const rule = tool === 'shell' && subject !== undefined ? matchShell(rules[verdict], verdict, subject) : rules[verdict].find((candidate) => ruleMatches(candidate, tool, subject));
    if (rule) return { verdict, rule };
  }
  return undefined;
}
