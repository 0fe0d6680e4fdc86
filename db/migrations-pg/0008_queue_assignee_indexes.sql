-- A reviewer's own cases ("assignee me", a few thousand among millions)
-- sorted by anything but the SLA: the planner walked the sort index hoping to
-- meet that reviewer's cases early (2.5 s at 10M). One index per sort, led by
-- the assignee, as for the status and the band.
CREATE INDEX IF NOT EXISTS cases_pg_assignee_sla_idx ON cases (assignee_id, sla_due_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_assignee_created_idx ON cases (assignee_id, created_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_assignee_submitted_idx ON cases (assignee_id, submitted_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_assignee_risk_idx ON cases (assignee_id, risk_score NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_assignee_id_idx ON cases (assignee_id, id);
