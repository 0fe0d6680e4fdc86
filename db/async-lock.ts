/** A FIFO async mutex: `acquire()` resolves with the function that releases it. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  get locked(): boolean {
    return this.held;
  }

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held = false;
      release();
    };
  }
}

/**
 * Whether the data layer checks, with AsyncLocalStorage, that a transaction's
 * `tx` is used only inside it and the top-level `db` never is (a write there
 * would wait for its own transaction; a read would read around it). The check
 * has a price on every request, not only in transactions: once a store has
 * been entered, Node 20 runs an async hook for every promise created (8–15 %
 * of the CPU of a desk list or a health check, measured). So it is on in
 * development and tests, where such a mistake is caught, and off in
 * production; REBIND_TX_GUARD=on|off overrides. Without it, a `tx` used when
 * no transaction is open is still refused on SQLite (one transaction at a time).
 */
export function transactionGuardEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.REBIND_TX_GUARD === 'on') return true;
  if (env.REBIND_TX_GUARD === 'off') return false;
  return env.NODE_ENV !== 'production';
}
