import { useState } from 'react';
import type { NewFactorDone } from '../api/endpoints';
import { useI18n } from '../i18n/i18n';
import { Alert, Button, CodeField, ErrorAlert, Form, useAction, useCountdown } from '../ui/ui';
import type { SetupCalls } from './NewFactorSetup';
import { defaultCountry, PhoneField, toInternational, type PhoneValue } from './PhoneField';
import { ApiError } from '../api/client';
import { SMS_RESEND_SECONDS } from './SecondFactorStep';

/** A new phone: the number (country picker), a texted code, the code back. Step 3a may be repeated to resend. */
export default function SmsSetup({ calls, onDone }: { calls: SetupCalls; onDone(done: NewFactorDone): void }) {
  const { t, duration } = useI18n();
  const [phone, setPhone] = useState<PhoneValue>(() => ({ country: defaultCountry(), national: '' }));
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [resendAt, setResendAt] = useState<number | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const wait = useCountdown(resendAt);
  const sending = useAction();
  const verifying = useAction();

  const send = () => {
    const number = toInternational(phone);
    if (!number) return setPhoneError(t('phone.invalid'));
    setPhoneError(null);
    void sending.run(async () => {
      try {
        const answer = await calls.start({ factorType: 'sms', phone: number });
        setSentTo(answer.sms?.sentTo ?? number);
        setResendAt(Date.now() + SMS_RESEND_SECONDS * 1000);
      } catch (err) {
        // The server's full metadata says the number is not one of that country: say it at the field.
        if (err instanceof ApiError && err.code === 'validation_failed' && (err.details.fields as Record<string, string> | undefined)?.phone) {
          setPhoneError(t('phone.invalid'));
          return;
        }
        throw err;
      }
    });
  };
  const verify = () => {
    if (!/^\d{6}$/.test(code)) return setCodeError(t('field.sixDigits'));
    setCodeError(null);
    void verifying.run(async () => onDone(await calls.verify({ code })));
  };

  if (!sentTo) {
    return (
      <Form onSubmit={send}>
        <Alert tone="info">{t('sms.restricted')}</Alert>
        <PhoneField
          value={phone}
          onChange={(v) => {
            setPhone(v);
            setPhoneError(null);
          }}
          error={phoneError}
        />
        <ErrorAlert error={sending.error} />
        <Button type="submit" busy={sending.busy}>
          {t('sms.send')}
        </Button>
      </Form>
    );
  }
  return (
    <Form onSubmit={verify}>
      <Alert tone="info">{t('twofa.sms.sent', { to: sentTo })}</Alert>
      <CodeField
        label={t('sms.code')}
        value={code}
        onValue={(v) => {
          setCode(v);
          setCodeError(null);
        }}
        error={codeError}
      />
      <ErrorAlert error={verifying.error ?? sending.error} />
      <div className="actions">
        <Button type="submit" busy={verifying.busy}>
          {t('sms.confirm')}
        </Button>
        <Button variant="secondary" onClick={send} disabled={wait > 0} busy={sending.busy}>
          {wait > 0 ? t('twofa.sms.resendIn', { time: duration(wait) }) : t('twofa.sms.resend')}
        </Button>
        <Button variant="link" onClick={() => setSentTo(null)}>
          {t('sms.otherNumber')}
        </Button>
      </div>
    </Form>
  );
}
