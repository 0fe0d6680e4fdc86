/**
 * Answers are compared after normalisation: Unicode NFKC, case-folded,
 * trimmed, inner whitespace collapsed ("  Café  Noir" ≡ "café noir").
 * JavaScript has no full Unicode case fold; lower-casing after NFKC and
 * normalising again covers what people actually type.
 */
export function normaliseAnswer(answer: string): string {
  return answer.normalize('NFKC').toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}
