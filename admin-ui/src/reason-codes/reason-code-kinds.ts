export const REASON_CODE_KINDS = ['reject', 'request_info'] as const;

export const reasonCodeKindChoices = REASON_CODE_KINDS.map((kind) => ({
  id: kind,
  name: `resources.reason-codes.kinds.${kind}`,
}));
