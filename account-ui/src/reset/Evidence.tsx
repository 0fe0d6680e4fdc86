import { useState } from 'react';
import { recovery, type CaseStatus, type EvidenceMethod } from '../api/endpoints';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Alert, Button, ErrorAlert, Form, TextField, useAction } from '../ui/ui';

export const evidenceLabel: Record<EvidenceMethod, MessageKey> = {
  security_questions: 'evidence.questions',
  biometric: 'evidence.biometric',
  transfer_record: 'evidence.transfer',
};

/** How a received piece of evidence is named in a list. */
export const evidenceKind: Record<EvidenceMethod, MessageKey> = {
  security_questions: 'evidence.kind.questions',
  biometric: 'evidence.kind.biometric',
  transfer_record: 'evidence.kind.transfer',
};

/**
 * The identity checks a case offers (security questions, a biometric check,
 * a transfer record). Each one, once sent, is only ever "received": the
 * page never says whether it matched — that is for the reviewers.
 */
export function EvidencePanel({ token, status, onChange }: { token: string; status: CaseStatus; onChange(): void }) {
  const { t } = useI18n();
  const received = new Set(status.evidence.map((e) => e.method));
  return (
    <div className="evidence">
      {status.availableMethods.map((method) => (
        <details key={method} className="card evidence-method" open={status.availableMethods.length === 1 || undefined}>
          <summary>
            <span>{t(evidenceLabel[method])}</span>
            {received.has(method) && <span className="badge badge-received">{t('evidence.received')}</span>}
          </summary>
          {method === 'security_questions' && <QuestionsEvidence token={token} status={status} onSent={onChange} />}
          {method === 'biometric' && <BiometricEvidence token={token} caseId={status.caseId} onSent={onChange} />}
          {method === 'transfer_record' && <TransferEvidence token={token} caseId={status.caseId} onSent={onChange} />}
        </details>
      ))}
    </div>
  );
}

function Received() {
  const { t } = useI18n();
  return <Alert tone="success">{t('evidence.receivedBody')}</Alert>;
}

function QuestionsEvidence({ token, status, onSent }: { token: string; status: CaseStatus; onSent(): void }) {
  const { t } = useI18n();
  const [answers, setAnswers] = useState<string[]>(() => status.questions.map(() => ''));
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  if (status.questions.length === 0) return <p>{status.questionAttemptsLeft === 0 ? t('evidence.questionsNoAttempts') : t('evidence.questionsUnavailable')}</p>;
  const submit = () => {
    if (answers.some((a) => !a.trim())) return setMissing(true);
    setMissing(false);
    void run(async () => {
      await recovery.evidence(token, status.caseId, { method: 'security_questions', answers });
      setSent(true);
      setAnswers(status.questions.map(() => ''));
      onSent();
    });
  };
  return (
    <Form onSubmit={submit}>
      <p>{t('evidence.questionsIntro', { left: status.questionAttemptsLeft })}</p>
      {status.questions.map((q, i) => (
        <TextField
          key={q}
          label={q}
          value={answers[i] ?? ''}
          onValue={(v) => setAnswers((as) => as.map((a, j) => (j === i ? v : a)))}
          autoComplete="off"
          maxLength={200}
          required
          error={missing && !answers[i]?.trim() ? t('field.required') : null}
        />
      ))}
      {sent && <Received />}
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('evidence.sendAnswers')}
      </Button>
    </Form>
  );
}

function BiometricEvidence({ token, caseId, onSent }: { token: string; caseId: number; onSent(): void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const start = () =>
    void run(async () => {
      const answer = await recovery.evidence(token, caseId, { method: 'biometric' });
      setUrl(answer.biometric?.url ?? null);
      onSent();
    });
  return (
    <div>
      <p>{t('evidence.biometricIntro')}</p>
      <ErrorAlert error={error} />
      {url ? (
        <Alert tone="info">
          <p>{t('evidence.biometricOpen')}</p>
          <a className="button button-primary" href={url} target="_blank" rel="noopener noreferrer">
            {t('evidence.biometricLink')}
          </a>
        </Alert>
      ) : (
        <Button busy={busy} onClick={start}>
          {t('evidence.biometricStart')}
        </Button>
      )}
    </div>
  );
}

type TransferField = 'email' | 'platform' | 'asset' | 'network' | 'amount' | 'txid' | 'time';
const transferFields: { name: TransferField; type?: string; inputMode?: 'decimal'; autoComplete?: string }[] = [
  { name: 'email', type: 'email', autoComplete: 'email' },
  { name: 'platform' },
  { name: 'asset' },
  { name: 'network' },
  { name: 'amount', inputMode: 'decimal' },
  { name: 'txid' },
  { name: 'time', type: 'datetime-local' },
];

/** A datetime-local value ("2026-11-21T14:05") read in the browser's time zone, as ISO 8601 with offset. */
export function localDateTimeToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function TransferEvidence({ token, caseId, onSent }: { token: string; caseId: number; onSent(): void }) {
  const { t } = useI18n();
  const empty = { email: '', platform: '', asset: '', network: '', amount: '', txid: '', time: '' };
  const [values, setValues] = useState<Record<TransferField, string>>(empty);
  const [problems, setProblems] = useState<Partial<Record<TransferField, string>>>({});
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  const submit = () => {
    const found: Partial<Record<TransferField, string>> = {};
    for (const f of transferFields) if (!values[f.name].trim()) found[f.name] = t('field.required');
    if (values.amount && !/^\d+(\.\d+)?$/.test(values.amount.trim())) found.amount = t('transfer.amountInvalid');
    if (values.txid && values.txid.trim().length < 8) found.txid = t('transfer.txidInvalid');
    const time = localDateTimeToIso(values.time);
    if (values.time && !time) found.time = t('transfer.timeInvalid');
    setProblems(found);
    if (Object.keys(found).length) return;
    void run(async () => {
      await recovery.evidence(token, caseId, {
        method: 'transfer_record',
        email: values.email.trim(),
        platform: values.platform.trim(),
        asset: values.asset.trim(),
        network: values.network.trim(),
        amount: values.amount.trim(),
        txid: values.txid.trim(),
        time: time!,
      });
      setSent(true);
      onSent();
    });
  };
  return (
    <Form onSubmit={submit}>
      <p>{t('evidence.transferIntro')}</p>
      {transferFields.map((f) => (
        <TextField
          key={f.name}
          label={t(`transfer.${f.name}` as MessageKey)}
          hint={t(`transfer.${f.name}.help` as MessageKey)}
          value={values[f.name]}
          onValue={(v) => setValues((vs) => ({ ...vs, [f.name]: v }))}
          name={f.name}
          type={f.type ?? 'text'}
          inputMode={f.inputMode}
          autoComplete={f.autoComplete ?? 'off'}
          required
          error={problems[f.name] ?? null}
        />
      ))}
      {sent && <Received />}
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('evidence.sendTransfer')}
      </Button>
    </Form>
  );
}
