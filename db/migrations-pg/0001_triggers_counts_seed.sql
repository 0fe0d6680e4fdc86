-- What the SQLite migrations 0001, 0004 and 0006 add beyond the tables, in PostgreSQL's syntax.

-- The audit trail is append-only (SQLite 0001). These triggers stop accidental
-- edits; the hash chain (audit verify) detects deliberate ones made by someone
-- who drops them.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- The chain head exists from the start: appends lock it (SELECT … FOR UPDATE),
-- so instances writing at once still build one chain.
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
-- The managed list of reason codes starts with these (SQLite 0004).
INSERT INTO reason_codes (code, kind, label, user_message, active, created_at) VALUES
  ('identity_not_verified', 'reject', 'Identity not verified', 'We could not verify that you own this account.', true, 1795651200000),
  ('evidence_inconsistent', 'reject', 'Evidence inconsistent with our records', 'The information you sent does not match our records.', true, 1795651200000),
  ('suspected_account_takeover', 'reject', 'Suspected account takeover (internal)', 'We could not verify that you own this account.', true, 1795651200000),
  ('duplicate_request', 'reject', 'Duplicate request', 'Another reset request for this account is already being handled.', true, 1795651200000),
  ('owner_cancelled_by_support', 'reject', 'Owner asked support to stop the reset', 'The account owner asked us to stop this reset.', true, 1795651200000),
  ('need_exact_transfer', 'request_info', 'Needs an exact transfer record', 'Please send the exact amount, time and transaction id of a recent deposit from another platform.', true, 1795651200000),
  ('need_biometric', 'request_info', 'Needs biometric verification', 'Please complete the biometric (face) verification.', true, 1795651200000),
  ('need_more_detail', 'request_info', 'Needs more detail', 'Please answer the question from our support team.', true, 1795651200000);
--> statement-breakpoint
-- case_counts (SQLite 0006): cases per (status, band, assignee, methods), kept
-- by a trigger, so the queue's total for a filter on those four is a sum over
-- a few hundred rows. '' stands for no band and 0 for no assignee.
CREATE TABLE case_counts (
  status text NOT NULL,
  risk_band text NOT NULL,
  assignee_id bigint NOT NULL,
  methods text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (status, risk_band, assignee_id, methods)
);
--> statement-breakpoint
-- Kept for parity with SQLite, where the hand-planned queue versions its cached
-- page anchors with it. PostgreSQL's queue keeps no anchors, so no trigger bumps
-- it here: one row updated by every case change would serialise them all.
CREATE TABLE case_list_version (
  id bigint PRIMARY KEY CHECK (id = 1),
  v bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO case_list_version (id, v) VALUES (1, 0);
--> statement-breakpoint
-- The two cells a change moves a case between are updated in key order, so two
-- transactions moving cases in opposite directions do not deadlock.
CREATE FUNCTION cases_queue_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_key text[];
  new_key text[];
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_key := ARRAY[OLD.status, coalesce(OLD.risk_band, ''), coalesce(OLD.assignee_id, 0)::text, OLD.methods];
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_key := ARRAY[NEW.status, coalesce(NEW.risk_band, ''), coalesce(NEW.assignee_id, 0)::text, NEW.methods];
  END IF;
  IF new_key IS NOT NULL AND (old_key IS NULL OR new_key < old_key) THEN
    INSERT INTO case_counts (status, risk_band, assignee_id, methods, n) VALUES (new_key[1], new_key[2], new_key[3]::bigint, new_key[4], 1)
    ON CONFLICT (status, risk_band, assignee_id, methods) DO UPDATE SET n = case_counts.n + 1;
    new_key := NULL;
  END IF;
  IF old_key IS NOT NULL THEN
    UPDATE case_counts SET n = n - 1 WHERE status = old_key[1] AND risk_band = old_key[2] AND assignee_id = old_key[3]::bigint AND methods = old_key[4];
  END IF;
  IF new_key IS NOT NULL THEN
    INSERT INTO case_counts (status, risk_band, assignee_id, methods, n) VALUES (new_key[1], new_key[2], new_key[3]::bigint, new_key[4], 1)
    ON CONFLICT (status, risk_band, assignee_id, methods) DO UPDATE SET n = case_counts.n + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER cases_queue_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION cases_queue_counts();
--> statement-breakpoint
CREATE TRIGGER cases_queue_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_queue_counts();
--> statement-breakpoint
CREATE TRIGGER cases_queue_count_update AFTER UPDATE OF status, risk_band, assignee_id, methods ON cases FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.risk_band IS DISTINCT FROM NEW.risk_band OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.methods IS DISTINCT FROM NEW.methods)
EXECUTE FUNCTION cases_queue_counts();
--> statement-breakpoint
-- case_sla_bounds (SQLite 0006): how far SLA due times have ever lain from
-- creation and submission; the bounds only widen.
CREATE TABLE case_sla_bounds (
  id bigint PRIMARY KEY CHECK (id = 1),
  created_min bigint,
  created_max bigint,
  submitted_min bigint,
  submitted_max bigint,
  submitted_unbounded bigint NOT NULL DEFAULT 0,
  risk_missing bigint NOT NULL DEFAULT 0
);
--> statement-breakpoint
INSERT INTO case_sla_bounds (id) VALUES (1);
--> statement-breakpoint
CREATE FUNCTION cases_sla_bounds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE case_sla_bounds SET
    created_min = least(created_min, NEW.sla_due_at - NEW.created_at),
    created_max = greatest(created_max, NEW.sla_due_at - NEW.created_at),
    submitted_min = least(submitted_min, NEW.sla_due_at - NEW.submitted_at),
    submitted_max = greatest(submitted_max, NEW.sla_due_at - NEW.submitted_at),
    submitted_unbounded = CASE WHEN NEW.submitted_at IS NULL THEN 1 ELSE submitted_unbounded END,
    risk_missing = CASE WHEN NEW.risk_score IS NULL THEN 1 ELSE risk_missing END
  WHERE id = 1
    AND (created_min IS NULL OR created_max IS NULL
      OR NEW.sla_due_at - NEW.created_at NOT BETWEEN created_min AND created_max
      OR (NEW.submitted_at IS NOT NULL AND (submitted_min IS NULL OR NEW.sla_due_at - NEW.submitted_at NOT BETWEEN submitted_min AND submitted_max))
      OR (NEW.submitted_at IS NULL AND submitted_unbounded = 0)
      OR (NEW.risk_score IS NULL AND risk_missing = 0));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER cases_sla_bounds_insert AFTER INSERT ON cases FOR EACH ROW WHEN (NEW.sla_due_at IS NOT NULL) EXECUTE FUNCTION cases_sla_bounds();
--> statement-breakpoint
CREATE TRIGGER cases_sla_bounds_update AFTER UPDATE OF sla_due_at, created_at, submitted_at, risk_score ON cases FOR EACH ROW WHEN (NEW.sla_due_at IS NOT NULL) EXECUTE FUNCTION cases_sla_bounds();
