import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const MODEL = 'bedrock/anthropic.claude-sonnet-4-20250514';
const PROFILE_KEY_ID = 'AKIAFAKEPROFILEKEYID';
const PROFILE_SECRET = 'fakeProfileSecretAccessKey/0123456789abcdefgh';
const DEFAULT_KEY_ID = 'AKIAFAKEDEFAULTKEYID';
const DEFAULT_SECRET = 'fakeDefaultSecretAccessKey/0123456789abcdefgh';
const SAVED_BEDROCK_KEY = 'bedrock-api-key-fake-saved-0123456789abcdef';

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/**
 * A home with no AWS variables at all: only what the test writes. IMDS is never probed
 * (AWS_EC2_METADATA_DISABLED), and the config file points into the temporary home.
 */
function awsHome(): { home: string; openkoiHome: string; environment: Record<string, string> } {
  const { home, openkoiHome } = temporaryHome();
  const environment = {
    ...fakeVendorEnvironment(fake),
    HOME: home,
    OPENKOI_HOME: openkoiHome,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  };
  return { home, openkoiHome, environment };
}

function expectNoSecrets(...outputs: string[]): void {
  for (const output of outputs) for (const secret of [PROFILE_SECRET, DEFAULT_SECRET, SAVED_BEDROCK_KEY]) expect(output).not.toContain(secret);
}

describe('Bedrock signs with the AWS SDK\'s whole credential chain', () => {
  it('a named profile in AWS_SHARED_CREDENTIALS_FILE chosen by AWS_PROFILE signs the request', async () => {
    const { home, environment } = awsHome();
    const credentials = join(home, 'aws-credentials');
    writeFileSync(
      credentials,
      `[default]\naws_access_key_id = ${DEFAULT_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET}\n\n[work]\naws_access_key_id = ${PROFILE_KEY_ID}\naws_secret_access_key = ${PROFILE_SECRET}\n`,
    );
    fake.script('bedrock.converse-stream', { chunks: ['Signed with the work profile.'] });

    const run = await runOpenkoi(['-i', '0', '-m', MODEL, 'say hi'], { ...environment, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_PROFILE: 'work' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Signed with the work profile.\n');
    const [request] = fake.requestsTo('bedrock.converse-stream');
    expect(request?.headers['authorization']).toContain(`Credential=${PROFILE_KEY_ID}/`);
    expectNoSecrets(run.stdout, run.stderr);
  });

  it('the [default] profile of ~/.aws/credentials, with no AWS variable set, is used (not refused as "no API key")', async () => {
    const { home, environment } = awsHome();
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${DEFAULT_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET}\n`);
    fake.script('bedrock.converse-stream', { chunks: ['Signed with the default profile.'] });

    const run = await runOpenkoi(['-i', '0', '-m', MODEL, 'say hi'], environment);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Signed with the default profile.\n');
    expect(run.stderr).toContain('aws profile default (~/.aws/credentials)');
    const [request] = fake.requestsTo('bedrock.converse-stream');
    expect(request?.headers['authorization']).toContain(`Credential=${DEFAULT_KEY_ID}/`);
    expectNoSecrets(run.stdout, run.stderr);
  });

  it('a profile name that the shared files do not hold is a setup error that says so: exit 2, nothing sent', async () => {
    const { home, environment } = awsHome();
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${DEFAULT_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET}\n`);

    const status = await runOpenkoi(['status'], { ...environment, AWS_DEFAULT_PROFILE: 'missing' });
    expect(status.stdout).toMatch(/no "missing" profile/);
    const run = await runOpenkoi(['-i', '0', '-m', MODEL, 'say hi'], { ...environment, AWS_DEFAULT_PROFILE: 'missing' });
    expect(run.code, run.stderr).toBe(2);
    expect(fake.requestsTo('bedrock.converse-stream')).toHaveLength(0);
    expectNoSecrets(status.stdout, status.stderr, run.stdout, run.stderr);
  });

  it('a saved credentials/bedrock.key is sent as the Bedrock API key (bearer), never shown', async () => {
    const { openkoiHome, environment } = awsHome();
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true, mode: 0o700 });
    writeFileSync(join(openkoiHome, 'credentials', 'bedrock.key'), `${SAVED_BEDROCK_KEY}\n`, { mode: 0o600 });
    fake.script('bedrock.converse-stream', { chunks: ['Served with the saved key.'] });

    const run = await runOpenkoi(['-i', '0', '-m', MODEL, 'say hi'], environment);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Served with the saved key.\n');
    const [request] = fake.requestsTo('bedrock.converse-stream');
    expect(request?.headers['authorization']).toBe(`Bearer ${SAVED_BEDROCK_KEY}`);
    expectNoSecrets(run.stdout, run.stderr);
  });
});
