import { useEffect, useState } from 'react';
import { account, type SecurityOverview } from '../api/endpoints';
import { SecondFactorStep } from '../factors/SecondFactorStep';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { useSessionExpiry } from '../session-expiry';
import { ApiError } from '../api/client';
import { Alert, Button, ErrorAlert, Form, Loading, Page, TextField, useAction } from '../ui/ui';

const suggestions: MessageKey[] = [
  'questions.s.pet',
  'questions.s.city',
  'questions.s.teacher',
  'questions.s.street',
  'questions.s.friend',
  'questions.s.book',
];
const CUSTOM = 'custom';

interface Row {
  choice: string; // a suggestion key, or CUSTOM
  custom: string;
  answer: string;
}

/**
 * Set or replace the three security questions. When the account has a tool,
 * a fresh check with it comes first (the server refuses otherwise). Answers
 * are never shown again: they are stored hashed, compared after
 * normalisation (case and spacing do not matter).
 */
export default function SecurityQuestionsPage({ token }: { token: string }) {
  const { t } = useI18n();
  const expired = useSessionExpiry();
  const [overview, setOverview] = useState<SecurityOverview | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [verified, setVerified] = useState(false);
  const [rows, setRows] = useState<Row[]>(() => suggestions.slice(0, 3).map((choice) => ({ choice, custom: '', answer: '' })));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    account.overview(token).then(setOverview, (err) => expired(err) || setLoadError(err));
  }, [token, expired]);

  const title = t('questions.title');
  if (loadError)
    return (
      <Page title={title}>
        <ErrorAlert error={loadError} />
      </Page>
    );
  if (!overview) return <Loading />;
  if (saved) {
    return (
      <Page title={title}>
        <Alert tone="success" title={t('questions.saved')}>
          <p>{t('questions.savedBody')}</p>
        </Alert>
        <Link to="/security">{t('common.backToSecurity')}</Link>
      </Page>
    );
  }
  const needsStepUp = overview.factors.length > 0 && !verified;
  if (needsStepUp) {
    return (
      <Page title={title}>
        <p>{t('questions.stepUp')}</p>
        <ErrorAlert error={error} />
        <SecondFactorStep
          methods={[...new Set(overview.factors.map((f) => f.type))]}
          prove={(proof) => account.stepUp(token, proof)}
          onVerified={() => setVerified(true)}
        />
      </Page>
    );
  }

  const prompt = (row: Row) => (row.choice === CUSTOM ? row.custom.trim() : t(row.choice as MessageKey));
  const update = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = () => {
    const found: Record<string, string> = {};
    const prompts = rows.map(prompt);
    rows.forEach((r, i) => {
      if (prompts[i]!.length < 5) found[`q${i}`] = t('questions.promptShort');
      else if (prompts.findIndex((p) => p.toLowerCase() === prompts[i]!.toLowerCase()) !== i) found[`q${i}`] = t('questions.promptSame');
      if (r.answer.trim().length < 2) found[`a${i}`] = t('questions.answerShort');
    });
    setProblems(found);
    if (Object.keys(found).length) return;
    void run(async () => {
      try {
        await account.setQuestions(
          token,
          rows.map((r, i) => ({ prompt: prompts[i]!, answer: r.answer })),
        );
        setSaved(true);
      } catch (err) {
        if (expired(err)) return;
        // The ten minutes of the fresh check are over: check again.
        if (err instanceof ApiError && err.details.reason === 'step_up_required') {
          setVerified(false);
          setError(null);
          return;
        }
        throw err;
      }
    });
  };

  return (
    <Page title={title}>
      <p>{overview.securityQuestions.length ? t('questions.replacing') : t('questions.intro')}</p>
      <Form onSubmit={save}>
        {rows.map((row, i) => (
          <fieldset key={i} className="question">
            <legend>{t('questions.number', { n: i + 1 })}</legend>
            <div className="field">
              <label htmlFor={`q${i}`}>{t('questions.question')}</label>
              <select
                id={`q${i}`}
                value={row.choice}
                onChange={(e) => update(i, { choice: (e.target as HTMLSelectElement).value })}
                aria-describedby={problems[`q${i}`] && row.choice !== CUSTOM ? `q${i}-error` : undefined}
              >
                {suggestions.map((s) => (
                  <option key={s} value={s}>
                    {t(s)}
                  </option>
                ))}
                <option value={CUSTOM}>{t('questions.custom')}</option>
              </select>
              {problems[`q${i}`] && row.choice !== CUSTOM && (
                <div className="field-error" id={`q${i}-error`}>
                  {problems[`q${i}`]}
                </div>
              )}
            </div>
            {row.choice === CUSTOM && (
              <TextField
                label={t('questions.yourQuestion')}
                value={row.custom}
                onValue={(custom) => update(i, { custom })}
                maxLength={200}
                error={problems[`q${i}`] ?? null}
              />
            )}
            <TextField
              label={t('questions.answer')}
              value={row.answer}
              onValue={(answer) => update(i, { answer })}
              autoComplete="off"
              maxLength={200}
              error={problems[`a${i}`] ?? null}
            />
          </fieldset>
        ))}
        <p className="hint">{t('questions.normalised')}</p>
        <ErrorAlert error={error} />
        <div className="actions">
          <Button type="submit" busy={busy}>
            {t('questions.save')}
          </Button>
          <Link to="/security">{t('common.cancel')}</Link>
        </div>
      </Form>
    </Page>
  );
}
