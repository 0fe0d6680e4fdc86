import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface EmailTransport {
  sendEmail(message: { from: string; to: string; subject: string; text: string }): Promise<void>;
}

export interface SmsTransport {
  sendSms(message: { to: string; text: string }): Promise<void>;
}

export interface Transports {
  email?: EmailTransport;
  sms?: SmsTransport;
}

/** Real email through nodemailer (SMTP_URL). */
export function smtpTransport(url: string): EmailTransport {
  // Bounded waits: a slow or silent server fails the attempt (and it is retried later) well inside the outbox lease.
  const transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async sendEmail(message) {
      await transporter.sendMail(message);
    },
  };
}

/**
 * The SMS provider adapter: a JSON POST `{to, text}` to SMS_PROVIDER_URL; any
 * 2xx is a hand-over. Providers differ; a small gateway in front of the real one
 * translates this shape.
 */
export function httpSmsTransport(url: string, fetchImpl: typeof fetch = fetch): SmsTransport {
  return {
    async sendSms(message) {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
    },
  };
}

export function transportsFromConfig(config: Config): Transports {
  return {
    email: config.smtpUrl ? smtpTransport(config.smtpUrl) : undefined,
    sms: config.smsProviderUrl ? httpSmsTransport(config.smsProviderUrl) : undefined,
  };
}
