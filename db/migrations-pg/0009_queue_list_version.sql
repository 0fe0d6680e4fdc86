-- case_list_version on PostgreSQL: bumped once by every transaction that
-- changes a case in a way that can move it within a filtered, sorted queue
-- (the columns of SQLite's cases_queue_version_update, plus inserts and
-- deletes), or a column the queue's rows show. The queue remembers the keys of every stride-th row of a deep list
-- per process and trusts them only while this version is unchanged, so a deep
-- page seeks instead of skipping 100 000 rows.
--
-- A deferred constraint trigger runs at commit, after the transaction's audit
-- append has taken the chain head: the version row is the last lock a writer
-- takes, held only while it commits, so it adds no deadlock and almost no
-- waiting. The transaction-local setting makes it one update per transaction
-- however many cases it changes.
CREATE FUNCTION cases_list_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rebind.case_list_bumped', true) = '1' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('rebind.case_list_bumped', '1', true);
  UPDATE case_list_version SET v = v + 1 WHERE id = 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER cases_queue_version_update
AFTER INSERT OR DELETE OR UPDATE OF status, risk_band, assignee_id, methods, sla_due_at, user_id, masked_email, created_at, submitted_at, risk_score, version, first_approver_id, decided_at ON cases
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION cases_list_version();
