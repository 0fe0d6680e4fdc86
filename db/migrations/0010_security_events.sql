CREATE TABLE `event_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`endpoint_id` integer NOT NULL,
	`event_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`next_trigger` text DEFAULT 'schedule' NOT NULL,
	`last_attempt_at` integer,
	`last_status_code` integer,
	`last_error_class` text,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `security_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_deliveries_endpoint_event_uq` ON `event_deliveries` (`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `event_deliveries_due_idx` ON `event_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `event_deliveries_order_idx` ON `event_deliveries` (`endpoint_id`,`user_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `event_delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`endpoint_id` integer NOT NULL,
	`event_id` integer NOT NULL,
	`trigger` text NOT NULL,
	`attempted_at` integer NOT NULL,
	`status_code` integer,
	`duration_ms` integer NOT NULL,
	`error_class` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `event_deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_delivery_attempts_delivery_idx` ON `event_delivery_attempts` (`delivery_id`,`id`);--> statement-breakpoint
CREATE INDEX `event_delivery_attempts_endpoint_idx` ON `event_delivery_attempts` (`endpoint_id`,`id`);--> statement-breakpoint
CREATE TABLE `security_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`public_id` text NOT NULL,
	`type` text NOT NULL,
	`user_id` integer NOT NULL,
	`user_external_id` text,
	`occurred_at` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `security_events_public_id_uq` ON `security_events` (`public_id`);--> statement-breakpoint
CREATE INDEX `security_events_user_idx` ON `security_events` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`event_types` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`secret_enc` text NOT NULL,
	`previous_secret_enc` text,
	`previous_secret_expires_at` integer,
	`failing_since` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`disabled_at` integer,
	`disabled_reason` text,
	`disabled_after_event_id` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
