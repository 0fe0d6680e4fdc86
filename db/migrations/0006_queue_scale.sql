-- The review queue at millions of cases (see server/cases/queue.ts).
--
-- case_counts: how many cases there are per (status, band, assignee, methods),
-- kept by triggers, so the queue's total for any filter on those four is a sum
-- over a few hundred rows instead of a COUNT over millions. '' stands for no
-- band and 0 for no assignee (NULL keys would not meet in the primary key).
CREATE TABLE `case_counts` (
  `status` text NOT NULL,
  `risk_band` text NOT NULL,
  `assignee_id` integer NOT NULL,
  `methods` text NOT NULL,
  `n` integer NOT NULL,
  PRIMARY KEY (`status`, `risk_band`, `assignee_id`, `methods`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `case_counts` (`status`, `risk_band`, `assignee_id`, `methods`, `n`)
SELECT `status`, ifnull(`risk_band`, ''), ifnull(`assignee_id`, 0), `methods`, count(*) FROM `cases` GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- case_list_version: bumped by every change that can move a case within a
-- filtered, sorted queue; cached page anchors for deep pages are valid only
-- for the version they were computed at.
CREATE TABLE `case_list_version` (
  `id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
  `v` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `case_list_version` (`id`, `v`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `cases_queue_insert` AFTER INSERT ON `cases`
BEGIN
  INSERT INTO `case_counts` (`status`, `risk_band`, `assignee_id`, `methods`, `n`)
  VALUES (new.`status`, ifnull(new.`risk_band`, ''), ifnull(new.`assignee_id`, 0), new.`methods`, 1)
  ON CONFLICT DO UPDATE SET `n` = `n` + 1;
  UPDATE `case_list_version` SET `v` = `v` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cases_queue_delete` AFTER DELETE ON `cases`
BEGIN
  UPDATE `case_counts` SET `n` = `n` - 1
  WHERE `status` = old.`status` AND `risk_band` = ifnull(old.`risk_band`, '') AND `assignee_id` = ifnull(old.`assignee_id`, 0) AND `methods` = old.`methods`;
  UPDATE `case_list_version` SET `v` = `v` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cases_queue_count_update` AFTER UPDATE OF `status`, `risk_band`, `assignee_id`, `methods` ON `cases`
WHEN old.`status` IS NOT new.`status` OR old.`risk_band` IS NOT new.`risk_band` OR old.`assignee_id` IS NOT new.`assignee_id` OR old.`methods` IS NOT new.`methods`
BEGIN
  UPDATE `case_counts` SET `n` = `n` - 1
  WHERE `status` = old.`status` AND `risk_band` = ifnull(old.`risk_band`, '') AND `assignee_id` = ifnull(old.`assignee_id`, 0) AND `methods` = old.`methods`;
  INSERT INTO `case_counts` (`status`, `risk_band`, `assignee_id`, `methods`, `n`)
  VALUES (new.`status`, ifnull(new.`risk_band`, ''), ifnull(new.`assignee_id`, 0), new.`methods`, 1)
  ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cases_queue_version_update` AFTER UPDATE OF `status`, `risk_band`, `assignee_id`, `methods`, `sla_due_at`, `user_id`, `masked_email`, `created_at`, `submitted_at`, `risk_score` ON `cases`
BEGIN
  UPDATE `case_list_version` SET `v` = `v` + 1;
END;
--> statement-breakpoint
-- Queue "cells": one index per sort, led by (status, risk_band). A filter on
-- statuses and/or bands becomes a merge of one index range per (status, band)
-- cell, each already in sort order, so page 1 reads about a page of rows
-- whatever the table size. sla_due_at rides along so the SLA filters are
-- checked in the index without reading the row.
CREATE INDEX `cases_queue_sla_idx` ON `cases` (`status`, `risk_band`, `sla_due_at`);
--> statement-breakpoint
CREATE INDEX `cases_queue_created_idx` ON `cases` (`status`, `risk_band`, `created_at`, `id`, `sla_due_at`);
--> statement-breakpoint
CREATE INDEX `cases_queue_submitted_idx` ON `cases` (`status`, `risk_band`, `submitted_at`, `id`, `sla_due_at`);
--> statement-breakpoint
CREATE INDEX `cases_queue_risk_idx` ON `cases` (`status`, `risk_band`, `risk_score`, `id`, `sla_due_at`);
--> statement-breakpoint
CREATE INDEX `cases_queue_id_idx` ON `cases` (`status`, `risk_band`, `id`, `sla_due_at`);
--> statement-breakpoint
-- Lists without a status or band filter walk the sort column's index; the
-- columns of the other filters (email prefix, SLA time, assignee) ride along
-- so rows that fail them are skipped inside the index.
CREATE INDEX `cases_walk_id_idx` ON `cases` (`id`, `masked_email`, `sla_due_at`, `assignee_id`);
--> statement-breakpoint
CREATE INDEX `cases_walk_sla_idx` ON `cases` (`sla_due_at`, `id`, `masked_email`, `assignee_id`);
--> statement-breakpoint
CREATE INDEX `cases_walk_created_idx` ON `cases` (`created_at`, `id`, `masked_email`, `sla_due_at`, `assignee_id`);
--> statement-breakpoint
CREATE INDEX `cases_walk_submitted_idx` ON `cases` (`submitted_at`, `id`, `masked_email`, `sla_due_at`, `assignee_id`);
--> statement-breakpoint
CREATE INDEX `cases_walk_risk_idx` ON `cases` (`risk_score`, `id`, `masked_email`, `sla_due_at`, `assignee_id`);
--> statement-breakpoint
-- Claimed cases only (a few per agent): "assigned to X" in any sort.
CREATE INDEX `cases_assigned_sla_idx` ON `cases` (`assignee_id`, `sla_due_at`) WHERE `assignee_id` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `cases_assigned_created_idx` ON `cases` (`assignee_id`, `created_at`) WHERE `assignee_id` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `cases_assigned_submitted_idx` ON `cases` (`assignee_id`, `submitted_at`) WHERE `assignee_id` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `cases_assigned_risk_idx` ON `cases` (`assignee_id`, `risk_score`) WHERE `assignee_id` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `cases_assigned_id_idx` ON `cases` (`assignee_id`) WHERE `assignee_id` IS NOT NULL;
--> statement-breakpoint
-- How far SLA due times lie from creation and submission, over every case
-- ever written (the bounds only widen, so they stay true after updates and
-- deletes). A filter on SLA time then also bounds created_at / submitted_at,
-- and a list sorted by those starts near its first match instead of walking
-- years of cases that cannot match. submitted_unbounded: some case had an SLA
-- but no submission time, so no bound holds for submitted_at. risk_missing:
-- some case had an SLA but no risk score (else an SLA filter skips the
-- unscored cases at the head of a list sorted by risk).
CREATE TABLE `case_sla_bounds` (
  `id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
  `created_min` integer,
  `created_max` integer,
  `submitted_min` integer,
  `submitted_max` integer,
  `submitted_unbounded` integer NOT NULL DEFAULT 0,
  `risk_missing` integer NOT NULL DEFAULT 0
);
--> statement-breakpoint
INSERT INTO `case_sla_bounds` (`id`, `created_min`, `created_max`, `submitted_min`, `submitted_max`, `submitted_unbounded`, `risk_missing`)
SELECT 1, min(`sla_due_at` - `created_at`), max(`sla_due_at` - `created_at`), min(`sla_due_at` - `submitted_at`), max(`sla_due_at` - `submitted_at`), ifnull(max(`submitted_at` IS NULL), 0), ifnull(max(`risk_score` IS NULL), 0)
FROM `cases` WHERE `sla_due_at` IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `cases_sla_bounds_insert` AFTER INSERT ON `cases` WHEN new.`sla_due_at` IS NOT NULL
BEGIN
  UPDATE `case_sla_bounds` SET
    `created_min` = min(ifnull(`created_min`, new.`sla_due_at` - new.`created_at`), new.`sla_due_at` - new.`created_at`),
    `created_max` = max(ifnull(`created_max`, new.`sla_due_at` - new.`created_at`), new.`sla_due_at` - new.`created_at`),
    `submitted_min` = min(ifnull(`submitted_min`, new.`sla_due_at` - new.`submitted_at`), ifnull(new.`sla_due_at` - new.`submitted_at`, `submitted_min`)),
    `submitted_max` = max(ifnull(`submitted_max`, new.`sla_due_at` - new.`submitted_at`), ifnull(new.`sla_due_at` - new.`submitted_at`, `submitted_max`)),
    `submitted_unbounded` = `submitted_unbounded` OR new.`submitted_at` IS NULL,
    `risk_missing` = `risk_missing` OR new.`risk_score` IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `cases_sla_bounds_update` AFTER UPDATE OF `sla_due_at`, `created_at`, `submitted_at`, `risk_score` ON `cases` WHEN new.`sla_due_at` IS NOT NULL
BEGIN
  UPDATE `case_sla_bounds` SET
    `created_min` = min(ifnull(`created_min`, new.`sla_due_at` - new.`created_at`), new.`sla_due_at` - new.`created_at`),
    `created_max` = max(ifnull(`created_max`, new.`sla_due_at` - new.`created_at`), new.`sla_due_at` - new.`created_at`),
    `submitted_min` = min(ifnull(`submitted_min`, new.`sla_due_at` - new.`submitted_at`), ifnull(new.`sla_due_at` - new.`submitted_at`, `submitted_min`)),
    `submitted_max` = max(ifnull(`submitted_max`, new.`sla_due_at` - new.`submitted_at`), ifnull(new.`sla_due_at` - new.`submitted_at`, `submitted_max`)),
    `submitted_unbounded` = `submitted_unbounded` OR new.`submitted_at` IS NULL,
    `risk_missing` = `risk_missing` OR new.`risk_score` IS NULL;
END;
