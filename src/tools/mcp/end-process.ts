// Makes sure a server process is gone. The SDK's StdioClientTransport.close() ends stdin, then
// signals on timers it unrefs: when a failed start already began that sequence, a second close()
// returns at once and the process could outlive openkoi. This waits for the end, escalating.
import { setTimeout as sleep } from 'node:timers/promises';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process no longer exists. */
export async function endProcess(pid: number, graceMs = 2_000, pollMs = 25): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < graceMs; waited += pollMs) {
    await sleep(pollMs);
    if (!isAlive(pid)) return;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isAlive(pid)) await sleep(pollMs);
}
