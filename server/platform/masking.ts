/** What agents and notifications show of personal data: `j***@e***.com`, `+44 ****** 123`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

/** `callingCode` is the country calling code without '+', `last` the last digits kept. */
export function maskPhone(callingCode: string | null, last: string | null): string {
  return `+${callingCode ?? ''} ****** ${last ?? ''}`.replace(/^\+ /, '');
}
