import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the AWS SDK's default credential chain would find credentials, as openkoi can tell without a network call. */
export interface AwsChainFinding {
  /** For status and run identity: "aws profile default (~/.aws/credentials)". */
  source: string;
  usable: boolean;
  note?: string;
}

/**
 * The AWS SDK's own credential chain (environment keys, shared credentials and config files with
 * AWS_PROFILE, SSO and credential_process profiles, web identity, container roles) is what signs
 * Bedrock requests; this only tells whether that chain has something to start from, so that a
 * `[default]` profile is not refused as "no key". The instance role (IMDS) cannot be seen without
 * asking the metadata service, which openkoi never does on its own: on EC2, set AWS_PROFILE or
 * use a container/web-identity role. `display` shortens a path for messages (~/...).
 */
export function findAwsChainCredentials(environment: NodeJS.ProcessEnv, home: string, display: (path: string) => string): AwsChainFinding[] {
  const findings: AwsChainFinding[] = [];
  if (environment['AWS_WEB_IDENTITY_TOKEN_FILE']?.trim() && environment['AWS_ROLE_ARN']?.trim()) {
    findings.push({ source: 'aws web identity (AWS_WEB_IDENTITY_TOKEN_FILE)', usable: true });
  }
  if (environment['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']?.trim() || environment['AWS_CONTAINER_CREDENTIALS_FULL_URI']?.trim()) {
    findings.push({ source: 'aws container role', usable: true });
  }
  const profile = environment['AWS_PROFILE']?.trim() || environment['AWS_DEFAULT_PROFILE']?.trim() || 'default';
  const credentialsFile = environment['AWS_SHARED_CREDENTIALS_FILE']?.trim() || join(home, '.aws', 'credentials');
  const configFile = environment['AWS_CONFIG_FILE']?.trim() || join(home, '.aws', 'config');
  // The credentials file names a profile [name]; the config file [profile name] (or [default]).
  const sections = [
    { path: credentialsFile, headers: [profile] },
    { path: configFile, headers: profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`] },
  ];
  const present = sections.filter((section) => existsSync(section.path));
  const found = present.find((section) => iniSections(section.path).some((name) => section.headers.includes(name)));
  if (found) findings.push({ source: `aws profile ${profile} (${display(found.path)})`, usable: true });
  else if (present.length > 0) {
    findings.push({
      source: `aws shared config ${present.map((section) => display(section.path)).join(', ')}`,
      usable: false,
      note: `no "${profile}" profile in it; set AWS_PROFILE to one of its profiles`,
    });
  }
  return findings;
}

/** Section names of an AWS ini file (only the names: the values, secrets included, are never read into anything). */
function iniSections(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)].map((match) => match[1]!.replace(/\s+/g, ' '));
}
