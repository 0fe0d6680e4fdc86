CREATE TABLE `freeze_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `freeze_tokens_user_idx` ON `freeze_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `login_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`webauthn_challenge` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`consumed_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `login_challenges_user_idx` ON `login_challenges` (`user_id`);--> statement-breakpoint
CREATE TABLE `security_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`position` integer NOT NULL,
	`prompt` text NOT NULL,
	`answer_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `security_questions_uq` ON `security_questions` (`user_id`,`position`);--> statement-breakpoint
CREATE TABLE `user_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `user_sessions_user_idx` ON `user_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_sightings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_sightings_uq` ON `user_sightings` (`user_id`,`kind`,`value`);--> statement-breakpoint
CREATE INDEX `user_sightings_value_idx` ON `user_sightings` (`kind`,`value`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`password_hash` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`frozen_at` integer,
	`frozen_reason` text,
	`withdrawal_lock_until` integer,
	`value_tier` text DEFAULT 'retail' NOT NULL,
	`country` text,
	`password_changed_at` integer,
	`email_changed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_created_idx` ON `users` (`created_at`);--> statement-breakpoint
CREATE TABLE `factor_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`factor_id` integer NOT NULL,
	`event` text NOT NULL,
	`at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`operation_id` text,
	`case_id` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`factor_id`) REFERENCES `user_factors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `factor_history_user_idx` ON `factor_history` (`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `one_time_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`subject_id` text NOT NULL,
	`destination_hash` text,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`consumed_at` integer,
	`replaced_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `one_time_codes_subject_idx` ON `one_time_codes` (`purpose`,`subject_id`);--> statement-breakpoint
CREATE TABLE `security_operations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`action` text NOT NULL,
	`factor_type` text NOT NULL,
	`factor_id` integer,
	`state` text NOT NULL,
	`pending_enc` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`completed_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`factor_id`) REFERENCES `user_factors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `security_operations_user_idx` ON `security_operations` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `user_factors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`type` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`totp_secret_enc` text,
	`totp_last_time_step` integer,
	`phone_enc` text,
	`phone_hash` text,
	`phone_last` text,
	`phone_country` text,
	`credential_id` text,
	`public_key` blob,
	`sign_count` integer,
	`transports` text,
	`bound_at` integer NOT NULL,
	`bound_ip` text,
	`bound_user_agent` text,
	`revoked_at` integer,
	`revoked_ip` text,
	`revoked_user_agent` text,
	`revoked_reason` text,
	`last_used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `user_factors_user_idx` ON `user_factors` (`user_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_factors_credential_uq` ON `user_factors` (`credential_id`);--> statement-breakpoint
CREATE INDEX `user_factors_phone_idx` ON `user_factors` (`phone_hash`);--> statement-breakpoint
CREATE TABLE `biometric_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` integer NOT NULL,
	`provider_ref` text NOT NULL,
	`status` text NOT NULL,
	`liveness` real,
	`face_match` real,
	`decision` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `biometric_sessions_case_idx` ON `biometric_sessions` (`case_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `biometric_sessions_ref_uq` ON `biometric_sessions` (`provider_ref`);--> statement-breakpoint
CREATE TABLE `case_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`method` text NOT NULL,
	`status` text NOT NULL,
	`submitted` text,
	`checked` text,
	`txid` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_evidence_case_idx` ON `case_evidence` (`case_id`);--> statement-breakpoint
CREATE INDEX `case_evidence_txid_idx` ON `case_evidence` (`txid`);--> statement-breakpoint
CREATE TABLE `case_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`author_type` text NOT NULL,
	`staff_id` integer,
	`visibility` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_notes_case_idx` ON `case_notes` (`case_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`methods` text DEFAULT '' NOT NULL,
	`masked_email` text NOT NULL,
	`risk_score` integer,
	`risk_band` text,
	`risk_signals` text,
	`sla_due_at` integer,
	`assignee_id` integer,
	`claimed_at` integer,
	`last_activity_at` integer,
	`first_approver_id` integer,
	`first_approved_at` integer,
	`decided_by_id` integer,
	`decided_at` integer,
	`reason_code` text,
	`case_token_hash` text NOT NULL,
	`email_verified_at` integer,
	`question_attempts` integer DEFAULT 0 NOT NULL,
	`request_ip` text,
	`device_id` text,
	`user_agent` text,
	`rebind_token_hash` text,
	`rebind_expires_at` integer,
	`submitted_at` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`first_approver_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cases_status_sla_idx` ON `cases` (`status`,`sla_due_at`);--> statement-breakpoint
CREATE INDEX `cases_sla_idx` ON `cases` (`sla_due_at`);--> statement-breakpoint
CREATE INDEX `cases_assignee_idx` ON `cases` (`assignee_id`,`sla_due_at`);--> statement-breakpoint
CREATE INDEX `cases_user_idx` ON `cases` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `cases_created_idx` ON `cases` (`created_at`);--> statement-breakpoint
CREATE INDEX `cases_ip_idx` ON `cases` (`request_ip`);--> statement-breakpoint
CREATE INDEX `cases_device_idx` ON `cases` (`device_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cases_rebind_uq` ON `cases` (`rebind_token_hash`);--> statement-breakpoint
CREATE TABLE `reason_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`user_message` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deposits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`email` text NOT NULL,
	`asset` text NOT NULL,
	`network` text NOT NULL,
	`amount` text NOT NULL,
	`txid` text NOT NULL,
	`platform` text NOT NULL,
	`credited_at` integer NOT NULL,
	`imported_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deposits_user_idx` ON `deposits` (`user_id`,`credited_at`);--> statement-breakpoint
CREATE INDEX `deposits_txid_idx` ON `deposits` (`txid`);--> statement-breakpoint
CREATE INDEX `deposits_email_idx` ON `deposits` (`email`);--> statement-breakpoint
CREATE TABLE `kyc_references` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`provider` text NOT NULL,
	`level` text NOT NULL,
	`selfie_ref` text NOT NULL,
	`document_ref` text,
	`document_country` text,
	`verified_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kyc_references_user_idx` ON `kyc_references` (`user_id`);--> statement-breakpoint
CREATE TABLE `staff` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`totp_secret_enc` text NOT NULL,
	`totp_last_time_step` integer,
	`user_id` integer,
	`disabled_at` integer,
	`last_login_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_email_uq` ON `staff` (`email`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` integer NOT NULL,
	`state` text NOT NULL,
	`csrf_token` text,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_sessions_staff_idx` ON `staff_sessions` (`staff_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_label` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`ip` text,
	`request_id` text,
	`details` text DEFAULT '{}' NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_ts_idx` ON `audit_events` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_type`,`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_target_idx` ON `audit_events` (`target_type`,`target_id`,`id`);--> statement-breakpoint
CREATE TABLE `audit_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_id` integer NOT NULL,
	`last_hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`recipient_enc` text NOT NULL,
	`recipient_masked` text NOT NULL,
	`subject` text NOT NULL,
	`body_enc` text NOT NULL,
	`template` text NOT NULL,
	`user_id` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_status_idx` ON `outbox` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `rate_limit_buckets` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_started_at` integer NOT NULL,
	`locked_until` integer
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
