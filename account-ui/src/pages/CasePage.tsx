import { useCallback, useEffect, useState } from 'react';
import { recovery, type CaseStatus } from '../api/endpoints';
import { caseTokens, takeTokenFromLocation } from '../api/tokens';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { EvidencePanel, evidenceKind } from '../reset/Evidence';
import { isApiError } from '../ui/errors';
import { Alert, Button, ErrorAlert, Form, Loading, Page, useAction } from '../ui/ui';

const knownStatuses = [
  'draft',
  'submitted',
  'in_review',
  'info_requested',
  'escalated',
  'awaiting_second_approval',
  'approved',
  'rejected',
  'completed',
  'expired',
  'abandoned',
  'cancelled',
];

/** The case token: from the submission email's link (then kept for this tab), else from filing in this tab. */
function useCaseToken(caseId: number): string | null {
  const [token] = useState(() => {
    const fromLink = takeTokenFromLocation();
    if (fromLink) caseTokens.set(caseId, fromLink);
    return fromLink ?? caseTokens.get(caseId);
  });
  return token;
}

/**
 * A reset request's status, reached from the wizard or from the link in the
 * submission email (no password: the person lost their 2FA). What happens
 * next, when to expect a decision, the support team's messages, a reply
 * form when they ask for more, and cancel before a decision.
 */
export default function CasePage({ caseId }: { caseId: number }) {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const token = useCaseToken(caseId);
  const [status, setStatus] = useState<CaseStatus | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    if (!token) return;
    recovery.status(token, caseId).then((s) => {
      setStatus(s);
      setLoadError(null);
    }, setLoadError);
  }, [token, caseId]);
  useEffect(load, [load]);

  const title = t('case.title', { id: caseId });
  if (!token || isApiError(loadError, 'unauthenticated') || isApiError(loadError, 'not_found')) {
    return (
      <Page title={title}>
        <Alert tone="warning">{t('case.noToken')}</Alert>
        <Link to="/reset">{t('case.fileNew')}</Link>
      </Page>
    );
  }
  if (loadError)
    return (
      <Page title={title}>
        <ErrorAlert error={loadError} />
      </Page>
    );
  if (!status) return <Loading />;

  const statusKey = knownStatuses.includes(status.status) ? status.status : 'submitted';
  const expected = status.expectedDecision;
  return (
    <Page title={title}>
      {notice && <Alert tone="success">{notice}</Alert>}
      <section className="card" aria-labelledby="status-heading">
        <h2 id="status-heading">
          {t('case.status')} <span className={`badge badge-status-${statusKey}`}>{t(`status.${statusKey}` as MessageKey)}</span>
        </h2>
        {status.submittedAt && <p className="muted">{t('case.submittedAt', { time: dateTime(status.submittedAt) })}</p>}
        <p>{t(`next.${statusKey}` as MessageKey)}</p>
        {expected && (
          <div className="expected" role="group" aria-label={t('case.expected')}>
            <p className="expected-time">
              {expected.by
                ? t(expected.basis === 'queue_median' ? 'case.expectedBy' : 'case.expectedLatest', { time: dateTime(expected.by) })
                : t('case.expectedOverdue')}
            </p>
            {expected.medianHours !== null && <p className="hint">{t('case.median', { hours: expected.medianHours })}</p>}
          </div>
        )}
        {status.decision?.reasonCategory && (
          <Alert tone="warning" title={t('case.reason')}>
            {status.decision.reasonCategory}
          </Alert>
        )}
        {status.status === 'draft' && (
          <p>
            <Link to="/reset">{t('case.continueDraft')}</Link>
          </p>
        )}
        {['approved', 'completed'].includes(status.status) && (
          <p>
            <Link to="/sign-in">{t('case.toSignIn')}</Link>
          </p>
        )}
      </section>

      {status.evidence.length > 0 && (
        <section className="card" aria-labelledby="evidence-heading">
          <h2 id="evidence-heading">{t('case.evidence')}</h2>
          <ul className="received-list">
            {status.evidence.map((e) => (
              <li key={e.method}>
                {t(evidenceKind[e.method])}: {t('evidence.receivedAt', { time: dateTime(e.at) })}
              </li>
            ))}
          </ul>
          <p className="hint">{t('case.noOracle')}</p>
        </section>
      )}

      {status.canReply && (
        <Reply
          token={token}
          status={status}
          onDone={(s) => {
            setStatus(s);
            setNotice(t('case.replied'));
          }}
          onEvidence={load}
        />
      )}

      {status.notes.length > 0 && (
        <section className="card" aria-labelledby="messages-heading">
          <h2 id="messages-heading">{t('case.messages')}</h2>
          <ul className="messages">
            {status.notes.map((n, i) => (
              <li key={i} className={`message message-${n.from}`}>
                <span className="message-meta">
                  {n.from === 'you' ? t('case.fromYou') : t('case.fromSupport')} · {dateTime(n.at)}
                </span>
                <p>{n.body}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="actions">
        <Button variant="secondary" onClick={load}>
          {t('case.refresh')}
        </Button>
        {status.canCancel && (
          <Cancel
            token={token}
            caseId={caseId}
            onCancelled={(s) => {
              setStatus(s);
              setNotice(t('case.cancelled'));
            }}
          />
        )}
      </div>
    </Page>
  );
}

function Reply({ token, status, onDone, onEvidence }: { token: string; status: CaseStatus; onDone(s: CaseStatus): void; onEvidence(): void }) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, run } = useAction();
  const submit = () => {
    if (!message.trim()) return setMissing(true);
    setMissing(false);
    void run(async () => onDone(await recovery.reply(token, status.caseId, message.trim())));
  };
  return (
    <section className="card" aria-labelledby="reply-heading">
      <h2 id="reply-heading">{t('case.infoRequested')}</h2>
      {status.requestedInformation && (
        <Alert tone="info" title={t('case.theyAsk')}>
          <p>{status.requestedInformation}</p>
        </Alert>
      )}
      <p>{t('case.addEvidence')}</p>
      <EvidencePanel token={token} status={status} onChange={onEvidence} />
      <Form onSubmit={submit}>
        <div className={missing ? 'field field-invalid' : 'field'}>
          <label htmlFor="reply-message">{t('case.replyLabel')}</label>
          <textarea
            id="reply-message"
            rows={4}
            maxLength={2000}
            value={message}
            onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)}
            aria-invalid={missing || undefined}
            aria-describedby={missing ? 'reply-error' : undefined}
          />
          {missing && (
            <div className="field-error" id="reply-error">
              {t('field.required')}
            </div>
          )}
        </div>
        <ErrorAlert error={error} />
        <Button type="submit" busy={busy}>
          {t('case.sendReply')}
        </Button>
      </Form>
    </section>
  );
}

function Cancel({ token, caseId, onCancelled }: { token: string; caseId: number; onCancelled(s: CaseStatus): void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  if (!confirming) {
    return (
      <Button variant="danger" onClick={() => setConfirming(true)}>
        {t('case.cancel')}
      </Button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={t('case.cancel')}>
      <p>{t('case.cancelConfirm')}</p>
      <ErrorAlert error={error} />
      <div className="actions">
        <Button variant="danger" busy={busy} onClick={() => void run(async () => onCancelled(await recovery.cancel(token, caseId)))} autoFocus>
          {t('case.cancelYes')}
        </Button>
        <Button variant="secondary" onClick={() => setConfirming(false)}>
          {t('case.cancelNo')}
        </Button>
      </div>
    </div>
  );
}
