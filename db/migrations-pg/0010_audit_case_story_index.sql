-- A case's story without its views, for the case screen's timeline: with only
-- the target index, each view read every earlier view of the case to skip it.
CREATE INDEX "audit_events_target_story_idx" ON "audit_events" USING btree ("target_type","target_id","id") WHERE action <> 'case.view';
