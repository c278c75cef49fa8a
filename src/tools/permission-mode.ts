export const PERMISSION_MODES = ['read', 'ask', 'auto'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** The user's answer to one ask. */
export type PermissionAnswer = 'yes' | 'no' | 'always-prefix' | 'always-tool';

export interface PermissionQuestion {
  tool: string;
  source: string;
  /** The command or path the rules see. */
  subject?: string;
  /** What will happen: the diff of a write, the command of shell. */
  preview?: string;
  /** For "always for this prefix": the command prefix (shell) or folder (files) an always-answer covers. */
  prefix?: string;
}

/** Asks the user; absent when nobody can be asked (not a terminal). */
export type AskPermission = (question: PermissionQuestion) => Promise<PermissionAnswer>;
