/**
 * Keeps secrets out of the diagnostic report a user hands to a help desk: values of environment variables whose
 * names say they are secret, `password=…`/`token=…` style pairs, bearer tokens, private keys and URL credentials.
 */
const secretName = /(PASS(WORD)?|TOKEN|SECRET|KEY|CREDENTIAL)/i;

export function secretValuesFrom(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => secretName.test(name) && typeof value === 'string' && value.length >= 4)
    .map(([, value]) => value as string);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    out = out.split(secret).join('[redacted]');
  return out
    .replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
      '[redacted private key]',
    )
    .replace(/\b(password|passwd|pwd|token|secret|api[_-]?key)(\s*[=:]\s*)("[^"]*"|\S+)/gi, '$1$2[redacted]')
    .replace(/\b(Bearer)\s+[A-Za-z0-9._~+/-]+=*/g, '$1 [redacted]')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi, '$1$2:[redacted]@');
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  return value;
}
