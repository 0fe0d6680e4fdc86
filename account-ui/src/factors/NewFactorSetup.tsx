import { lazy, Suspense, useState } from 'react';
import type { FactorType, NewFactorDone, NewFactorSetup as Setup } from '../api/endpoints';
import { useI18n } from '../i18n/i18n';
import { Alert, Button, CodeField, ErrorAlert, Form, Loading, TextField, useAction } from '../ui/ui';

// The phone picker carries libphonenumber's metadata: loaded only when SMS is chosen.
const SmsSetup = lazy(() => import('./SmsSetup'));

export interface SetupCalls {
  start(body: { factorType: FactorType; phone?: string }): Promise<Setup>;
  verify(body: { code?: string; response?: unknown; name?: string }): Promise<NewFactorDone>;
}

/**
 * Step 3 of bind / change (and the rebind link): set up the new tool and
 * prove it works. TOTP shows its key once, with the advice to keep it
 * offline; SMS confirms a number with a texted code; a passkey is created
 * by the browser under a name the user picks.
 */
export function NewFactorSetup({ factorType, calls, onDone }: { factorType: FactorType; calls: SetupCalls; onDone(done: NewFactorDone): void }) {
  if (factorType === 'totp') return <TotpSetup calls={calls} onDone={onDone} />;
  if (factorType === 'passkey') return <PasskeySetup calls={calls} onDone={onDone} />;
  return (
    <Suspense fallback={<Loading />}>
      <SmsSetup calls={calls} onDone={onDone} />
    </Suspense>
  );
}

/** "ABCD EFGH …": easier to copy by hand; the app accepts it with or without spaces. */
export const groupKey = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

function TotpSetup({ calls, onDone }: { calls: SetupCalls; onDone(done: NewFactorDone): void }) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<Setup['totp'] | null>(null);
  const [stored, setStored] = useState(false);
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const starting = useAction();
  const verifying = useAction();
  const begin = () =>
    void starting.run(async () => {
      const answer = await calls.start({ factorType: 'totp' });
      setSetup(answer.totp ?? null);
    });
  const submit = () => {
    if (!stored) return setInvalid(t('totp.storeFirst'));
    if (!/^\d{6}$/.test(code)) return setInvalid(t('field.sixDigits'));
    setInvalid(null);
    void verifying.run(async () => onDone(await calls.verify({ code })));
  };
  if (!setup) {
    return (
      <div>
        <p>{t('totp.intro')}</p>
        <ErrorAlert error={starting.error} />
        <Button busy={starting.busy} onClick={begin}>
          {t('totp.show')}
        </Button>
      </div>
    );
  }
  return (
    <Form onSubmit={submit}>
      <ol className="instructions">
        <li>
          {t('totp.scan')}
          <img className="qr" src={setup.qrDataUrl} alt={t('totp.qrAlt')} width={200} height={200} />
        </li>
        <li>
          {t('totp.orType')}
          <code className="totp-key" id="totp-key" role="note" aria-label={t('totp.keyLabel')}>
            {groupKey(setup.secret)}
          </code>
        </li>
      </ol>
      <Alert tone="warning" title={t('totp.offlineTitle')}>
        <p>{t('totp.offline')}</p>
      </Alert>
      <label className="check">
        <input type="checkbox" checked={stored} onChange={(e) => setStored((e.target as HTMLInputElement).checked)} />
        {t('totp.stored')}
      </label>
      <CodeField
        label={t('totp.code')}
        value={code}
        onValue={(v) => {
          setCode(v);
          setInvalid(null);
        }}
        autoFocus={false}
        error={invalid}
      />
      <ErrorAlert error={verifying.error} />
      <Button type="submit" busy={verifying.busy}>
        {t('totp.confirm')}
      </Button>
    </Form>
  );
}

function PasskeySetup({ calls, onDone }: { calls: SetupCalls; onDone(done: NewFactorDone): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState(false);
  const { busy, error, run } = useAction();
  const create = () => {
    if (!name.trim()) return setInvalid(true);
    setInvalid(false);
    void run(async () => {
      const answer = await calls.start({ factorType: 'passkey' });
      const { startRegistration } = await import('@simplewebauthn/browser');
      const response = await startRegistration({ optionsJSON: answer.passkeyOptions as Parameters<typeof startRegistration>[0]['optionsJSON'] });
      onDone(await calls.verify({ response, name: name.trim() }));
    });
  };
  return (
    <Form onSubmit={create}>
      <p>{t('passkey.intro')}</p>
      <TextField
        label={t('passkey.name')}
        hint={t('passkey.nameHint')}
        value={name}
        onValue={(v) => {
          setName(v);
          setInvalid(false);
        }}
        name="passkey-name"
        maxLength={60}
        required
        error={invalid ? t('field.required') : null}
      />
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('passkey.create')}
      </Button>
    </Form>
  );
}
