ALTER TABLE `user_sessions` ADD `step_up_at` integer;--> statement-breakpoint
ALTER TABLE `user_sessions` ADD `step_up_challenge` text;