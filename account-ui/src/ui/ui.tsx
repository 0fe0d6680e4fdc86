import { useCallback, useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { describeError } from './errors';

/**
 * A page: its title in the tab and as the one h1, which takes the focus when
 * the page opens so a screen reader announces where the reader now is.
 */
export function Page({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Rebind`;
    heading.current?.focus();
  }, [title]);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}

type Tone = 'error' | 'warning' | 'info' | 'success';

/** Errors interrupt (role=alert); everything else is announced politely. */
export function Alert({ tone, title, children }: { tone: Tone; title?: string; children?: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <p className="alert-title">{title}</p>}
      {children}
    </div>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  const i18n = useI18n();
  if (!error) return null;
  return <Alert tone="error">{describeError(i18n, error)}</Alert>;
}

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onValue(value: string): void;
  hint?: ReactNode;
  error?: string | null;
}

/** A labelled input; its hint and its error are read with it (aria-describedby). */
export function TextField({ label, value, onValue, hint, error, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? `f${auto.replace(/[^a-zA-Z0-9]/g, '')}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      <input
        id={inputId}
        value={value}
        onInput={(e) => onValue((e.target as HTMLInputElement).value)}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={error ? true : undefined}
        {...input}
      />
      {error && (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A six-digit one-time code: numeric keyboard on phones, the OS's code autofill. */
export function CodeField({
  label,
  value,
  onValue,
  hint,
  error,
  autoFocus = true,
}: {
  label: string;
  value: string;
  onValue(v: string): void;
  hint?: ReactNode;
  error?: string | null;
  autoFocus?: boolean;
}) {
  return (
    <TextField
      label={label}
      value={value}
      onValue={(v) => onValue(v.replace(/\D/g, '').slice(0, 6))}
      hint={hint}
      error={error}
      name="code"
      className="code-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      autoFocus={autoFocus}
    />
  );
}

export function Button({
  busy = false,
  variant = 'primary',
  children,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean; variant?: 'primary' | 'secondary' | 'danger' | 'link' }) {
  return (
    <button type="button" className={`button button-${variant}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  );
}

/** The steps of a flow; the current one is marked for assistive technology. */
export function Steps({ steps, current, label }: { steps: string[]; current: number; label: string }) {
  return (
    <ol className="steps" aria-label={label}>
      {steps.map((s, i) => (
        <li key={s} className={i < current ? 'step step-done' : i === current ? 'step step-current' : 'step'} aria-current={i === current ? 'step' : undefined}>
          <span className="step-number" aria-hidden="true">
            {i + 1}
          </span>
          {s}
        </li>
      ))}
    </ol>
  );
}

/** Seconds left until `until` (ms since epoch), re-rendering once a second; 0 when passed or unset. */
export function useCountdown(until: number | null): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!until || until <= Date.now()) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0;
}

/** Runs one request at a time for a form: busy while it runs, the error it ended with. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** A form that never reloads the page and submits through `onSubmit`. */
export function Form({ onSubmit, children }: { onSubmit(): void; children: ReactNode }) {
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
