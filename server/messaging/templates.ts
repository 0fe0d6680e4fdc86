/** Message texts. Codes and links appear only here, never in logs. */
export const templates = {
  operationEmailCode: (code: string, action: string, factorType: string) => ({
    subject: 'Your Rebind verification code',
    body: `Your verification code is ${code}. It is valid for 10 minutes and only for the request to ${action} your ${factorLabel(factorType)}.\n\nIf you did not ask for this, ignore this email and consider changing your password.`,
  }),
  loginSmsCode: (code: string) => ({ subject: 'Sign-in code', body: `Rebind sign-in code: ${code}. Valid 10 minutes. Never share it.` }),
  verificationSmsCode: (code: string) => ({ subject: 'Verification code', body: `Rebind verification code: ${code}. Valid 10 minutes. Never share it.` }),
  newPhoneSmsCode: (code: string) => ({ subject: 'Confirm this phone', body: `Rebind: ${code} confirms this number for 2FA. Valid 10 minutes.` }),
  securityChange: (what: string, when: Date, freezeUrl: string, extra?: string) => ({
    subject: 'Security change on your account',
    body: `${what} on ${when.toISOString().replace('T', ' ').slice(0, 16)} UTC.\n\n${extra ? `${extra}\n\n` : ''}If this was you, nothing else is needed. Withdrawals may be paused for a while as a precaution.\n\nIf this wasn't you, freeze your account now: ${freezeUrl}\nFreezing blocks sign-in, 2FA changes and withdrawals until our support team has reviewed the account.`,
  }),
  securityChangeSms: (what: string, freezeUrl: string) => ({ subject: 'Security change', body: `Rebind: ${what}. Not you? Freeze your account: ${freezeUrl}` }),
};

export function factorLabel(type: string): string {
  return { totp: 'authenticator app (TOTP)', sms: 'SMS phone number', passkey: 'passkey' }[type] ?? type;
}
