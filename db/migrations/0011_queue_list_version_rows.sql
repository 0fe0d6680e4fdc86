-- case_list_version now also moves when a column the queue's rows show
-- changes (version, first_approver_id, decided_at): besides the deep-page
-- anchors, it versions the queue's remembered pages (server/cases/queue.ts),
-- which must never show a case as it was.
DROP TRIGGER `cases_queue_version_update`;
--> statement-breakpoint
CREATE TRIGGER `cases_queue_version_update` AFTER UPDATE OF `status`, `risk_band`, `assignee_id`, `methods`, `sla_due_at`, `user_id`, `masked_email`, `created_at`, `submitted_at`, `risk_score`, `version`, `first_approver_id`, `decided_at` ON `cases`
BEGIN
  UPDATE `case_list_version` SET `v` = `v` + 1;
END;
