-- The unfiltered queue sorted by creation time (0002 covered it only under a status filter).
CREATE INDEX cases_pg_created_idx ON cases (created_at NULLS FIRST, id);
