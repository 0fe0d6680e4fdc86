-- The review queue on PostgreSQL: plain composite indexes, one per sort, with
-- and without the status filter the desk almost always sends; the planner
-- picks (SQLite's hand-planned cells and walks in its 0006 are not needed).
-- NULLS FIRST: the queue sorts an unset SLA, submission or score first going
-- up and last going down, as SQLite does; a backward scan serves DESC.
CREATE INDEX cases_pg_status_sla_idx ON cases (status, sla_due_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_status_created_idx ON cases (status, created_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_status_submitted_idx ON cases (status, submitted_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_status_risk_idx ON cases (status, risk_score NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_status_id_idx ON cases (status, id);
--> statement-breakpoint
CREATE INDEX cases_pg_sla_idx ON cases (sla_due_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_submitted_idx ON cases (submitted_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_risk_idx ON cases (risk_score NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX cases_pg_masked_email_idx ON cases (lower(masked_email) text_pattern_ops);
