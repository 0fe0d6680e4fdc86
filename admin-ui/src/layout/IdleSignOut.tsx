import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useLogout, useNotify, useTranslate } from 'react-admin';
import { loadStaffSession } from '../authProvider';

/** The server ends a session after 30 minutes without a request. */
export const IDLE_LIMIT_MS = 30 * 60_000;
/** Two minutes' warning. */
export const WARN_AFTER_MS = 28 * 60_000;
/** While someone works without the page calling the API (reading a case), tell the server now and then. */
const KEEP_ALIVE_MS = 5 * 60_000;
const SHARED_KEY = 'rebind-desk:last-activity';
const systemNow = () => Date.now();
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

const readShared = (): number => {
  try {
    return Number(window.localStorage.getItem(SHARED_KEY)) || 0;
  } catch {
    return 0;
  }
};

/**
 * Idle sign-out: after 28 minutes without a key, click or pointer move (in any
 * tab of the desk) a dialog counts down the last two minutes; then the desk
 * signs out, as the server would. Activity keeps the server session alive too.
 */
export const IdleSignOut = ({ now = systemNow }: { now?: () => number }) => {
  const translate = useTranslate();
  const logout = useLogout();
  const notify = useNotify();
  const titleId = useId();
  const lastActivity = useRef(now());
  const lastShared = useRef(0);
  const lastPing = useRef(now());
  const [msLeft, setMsLeft] = useState<number | null>(null); // set while warning
  const warning = msLeft !== null;
  const warningRef = useRef(false);
  warningRef.current = warning;

  const keepAlive = useCallback(() => {
    lastPing.current = now();
    // A 401 here means the server has already ended the session: the next
    // data request signs out through checkError.
    loadStaffSession().catch(() => undefined);
  }, [now]);

  const markActive = useCallback(() => {
    const at = now();
    lastActivity.current = at;
    if (at - lastShared.current > 10_000) {
      lastShared.current = at;
      try {
        window.localStorage.setItem(SHARED_KEY, String(at));
      } catch {
        // this tab alone then
      }
    }
    if (at - lastPing.current > KEEP_ALIVE_MS) keepAlive();
  }, [keepAlive, now]);

  useEffect(() => {
    const onActivity = () => {
      if (!warningRef.current) markActive(); // only the dialog's button ends a warning
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === SHARED_KEY && event.newValue) {
        lastActivity.current = Math.max(lastActivity.current, Number(event.newValue) || 0);
      }
    };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
    window.addEventListener('storage', onStorage);
    const timer = window.setInterval(() => {
      const idle = now() - Math.max(lastActivity.current, readShared());
      if (idle >= IDLE_LIMIT_MS) {
        window.clearInterval(timer);
        notify('rebind.idle.signed_out', { type: 'info', autoHideDuration: null });
        void logout();
      } else if (idle >= WARN_AFTER_MS) {
        setMsLeft(IDLE_LIMIT_MS - idle);
      } else if (warningRef.current) {
        setMsLeft(null); // activity in another tab
      }
    }, 1000);
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
      window.removeEventListener('storage', onStorage);
      window.clearInterval(timer);
    };
  }, [logout, markActive, notify, now]);

  const staySignedIn = () => {
    markActive();
    keepAlive();
    setMsLeft(null);
  };

  const seconds = Math.max(0, Math.ceil((msLeft ?? 0) / 1000));
  const countdown = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <Dialog open={warning} aria-labelledby={titleId} onClose={staySignedIn}>
      <DialogTitle id={titleId}>{translate('rebind.idle.title')}</DialogTitle>
      <DialogContent>
        <DialogContentText role="timer" aria-live="polite">
          {translate('rebind.idle.warning', { time: countdown })}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => void logout()}>{translate('ra.auth.logout')}</Button>
        <Button variant="contained" onClick={staySignedIn} autoFocus>
          {translate('rebind.idle.stay')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
