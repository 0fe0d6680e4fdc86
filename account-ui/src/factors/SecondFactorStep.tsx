import { useState, type ReactNode } from 'react';
import type { ChallengeAnswer, FactorType, Proof } from '../api/endpoints';
import { useI18n } from '../i18n/i18n';
import { Alert, Button, CodeField, ErrorAlert, Form, useAction, useCountdown } from '../ui/ui';
import { factorTypeLabel } from './labels';

export const SMS_RESEND_SECONDS = 60;
const preference: FactorType[] = ['totp', 'passkey', 'sms'];

/**
 * Verification with one of the account's tools, through the API's challenge
 * pattern: TOTP sends a code; SMS first asks for a code to be texted (then
 * offers a resend after a countdown); a passkey asks for options, runs the
 * browser's WebAuthn prompt and sends the assertion. Used by sign-in,
 * operation step 2 and the step-up before security questions.
 */
export function SecondFactorStep({
  methods,
  prove,
  onVerified,
  footer,
}: {
  methods: FactorType[];
  prove(proof: Proof): Promise<ChallengeAnswer>;
  onVerified(answer: ChallengeAnswer): void;
  footer?: ReactNode;
}) {
  const { t } = useI18n();
  const available = preference.filter((m) => methods.includes(m));
  const [method, setMethod] = useState<FactorType>(available[0] ?? 'totp');
  return (
    <div className="second-factor">
      {available.length > 1 && (
        <fieldset className="choice">
          <legend>{t('twofa.choose')}</legend>
          {available.map((m) => (
            <label key={m} className="choice-option">
              <input type="radio" name="twofa-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
              {factorTypeLabel(t, m)}
            </label>
          ))}
        </fieldset>
      )}
      {method === 'totp' && <TotpProof key="totp" prove={prove} onVerified={onVerified} />}
      {method === 'sms' && <SmsProof key="sms" prove={prove} onVerified={onVerified} />}
      {method === 'passkey' && <PasskeyProof key="passkey" prove={prove} onVerified={onVerified} />}
      {footer}
    </div>
  );
}

type ProofProps = { prove(proof: Proof): Promise<ChallengeAnswer>; onVerified(answer: ChallengeAnswer): void };

function TotpProof({ prove, onVerified }: ProofProps) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const { busy, error, run } = useAction();
  const submit = () => {
    if (!/^\d{6}$/.test(code)) return setInvalid(true);
    setInvalid(false);
    void run(async () => {
      const answer = await prove({ method: 'totp', code });
      if (answer.status === 'verified') onVerified(answer);
    }).then(() => setCode(''));
  };
  return (
    <Form onSubmit={submit}>
      <CodeField
        label={t('twofa.totp.label')}
        hint={t('twofa.totp.hint')}
        value={code}
        onValue={(v) => {
          setCode(v);
          setInvalid(false);
        }}
        error={invalid ? t('field.sixDigits') : null}
      />
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('twofa.verify')}
      </Button>
    </Form>
  );
}

function SmsProof({ prove, onVerified }: ProofProps) {
  const { t, duration } = useI18n();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [resendAt, setResendAt] = useState<number | null>(null);
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const wait = useCountdown(resendAt);
  const sending = useAction();
  const verifying = useAction();
  const send = () =>
    void sending.run(async () => {
      const answer = await prove({ method: 'sms' });
      setSentTo(answer.sentTo ?? null);
      setResendAt(Date.now() + SMS_RESEND_SECONDS * 1000);
    });
  const submit = () => {
    if (!/^\d{6}$/.test(code)) return setInvalid(true);
    setInvalid(false);
    void verifying.run(async () => {
      const answer = await prove({ method: 'sms', code });
      if (answer.status === 'verified') onVerified(answer);
    });
  };
  if (!sentTo) {
    return (
      <div>
        <p>{t('twofa.sms.intro')}</p>
        <ErrorAlert error={sending.error} />
        <Button busy={sending.busy} onClick={send}>
          {t('twofa.sms.send')}
        </Button>
      </div>
    );
  }
  return (
    <Form onSubmit={submit}>
      <Alert tone="info">{t('twofa.sms.sent', { to: sentTo })}</Alert>
      <CodeField
        label={t('twofa.sms.label')}
        value={code}
        onValue={(v) => {
          setCode(v);
          setInvalid(false);
        }}
        error={invalid ? t('field.sixDigits') : null}
      />
      <ErrorAlert error={verifying.error ?? sending.error} />
      <div className="actions">
        <Button type="submit" busy={verifying.busy}>
          {t('twofa.verify')}
        </Button>
        <Button variant="secondary" onClick={send} disabled={wait > 0} busy={sending.busy}>
          {wait > 0 ? t('twofa.sms.resendIn', { time: duration(wait) }) : t('twofa.sms.resend')}
        </Button>
      </div>
    </Form>
  );
}

function PasskeyProof({ prove, onVerified }: ProofProps) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const use = () =>
    void run(async () => {
      const challenge = await prove({ method: 'passkey' });
      const { startAuthentication } = await import('@simplewebauthn/browser');
      const response = await startAuthentication({ optionsJSON: challenge.passkeyOptions as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
      const answer = await prove({ method: 'passkey', response });
      if (answer.status === 'verified') onVerified(answer);
    });
  return (
    <div>
      <p>{t('twofa.passkey.intro')}</p>
      <ErrorAlert error={error} />
      <Button busy={busy} onClick={use}>
        {t('twofa.passkey.use')}
      </Button>
    </div>
  );
}
