/**
 * Runs `build` with some environment variables set (a string) or removed (undefined), then puts
 * every one back as it was. For vendor SDKs that read the environment only while a client is
 * constructed: the change is synchronous, so no other code can observe it, and it never leaks
 * into the environment of processes openkoi starts later (tools, shells).
 */
export function withTemporaryEnvironment<T>(changes: Record<string, string | undefined>, build: () => T): T {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(changes)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return build();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
