-- Lists filtered on a risk band and sorted by another column: without these,
-- "band high sorted by risk score, lowest first" walked the whole score index
-- past every low and medium case (11 s at 10M). One index per sort, led by the
-- band, as 0002 does for the status.
CREATE INDEX IF NOT EXISTS cases_pg_band_sla_idx ON cases (risk_band, sla_due_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_band_created_idx ON cases (risk_band, created_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_band_submitted_idx ON cases (risk_band, submitted_at NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_band_risk_idx ON cases (risk_band, risk_score NULLS FIRST, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cases_pg_band_id_idx ON cases (risk_band, id);
