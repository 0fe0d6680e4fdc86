-- The managed list of reason codes starts with these; admins add and retire codes.
-- `user_message` is the category the requester is told (never the internal reasoning).
INSERT INTO `reason_codes` (`code`, `kind`, `label`, `user_message`, `active`, `created_at`) VALUES
  ('identity_not_verified', 'reject', 'Identity not verified', 'We could not verify that you own this account.', 1, 1795651200000),
  ('evidence_inconsistent', 'reject', 'Evidence inconsistent with our records', 'The information you sent does not match our records.', 1, 1795651200000),
  ('suspected_account_takeover', 'reject', 'Suspected account takeover (internal)', 'We could not verify that you own this account.', 1, 1795651200000),
  ('duplicate_request', 'reject', 'Duplicate request', 'Another reset request for this account is already being handled.', 1, 1795651200000),
  ('owner_cancelled_by_support', 'reject', 'Owner asked support to stop the reset', 'The account owner asked us to stop this reset.', 1, 1795651200000),
  ('need_exact_transfer', 'request_info', 'Needs an exact transfer record', 'Please send the exact amount, time and transaction id of a recent deposit from another platform.', 1, 1795651200000),
  ('need_biometric', 'request_info', 'Needs biometric verification', 'Please complete the biometric (face) verification.', 1, 1795651200000),
  ('need_more_detail', 'request_info', 'Needs more detail', 'Please answer the question from our support team.', 1, 1795651200000);
