CREATE TABLE `service_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	`revoked_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_accounts_name_uq` ON `service_accounts` (`name`);--> statement-breakpoint
CREATE TABLE `service_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_keys_hash_uq` ON `service_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `service_keys_account_idx` ON `service_keys` (`account_id`);--> statement-breakpoint
ALTER TABLE `user_sessions` ADD `amr` text;--> statement-breakpoint
ALTER TABLE `users` ADD `external_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `kyc_level` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `users_external_id_uq` ON `users` (`external_id`);