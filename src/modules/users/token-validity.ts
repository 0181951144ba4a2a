/**
 * Tokens are refused when issued (`iat`, whole seconds) before `tokensValidAfter`. Rounding the
 * cut-off up to the next second refuses every older token; tokens issued afterwards carry
 * `iat >= cut-off` (see TokenService), so a fresh login right after a password change still works.
 */
export function validAfterSeconds(tokensValidAfter: Date): number {
  return Math.ceil(tokensValidAfter.getTime() / 1000);
}

/**
 * SQL for a new cut-off (password change or reset, deactivation, deletion): database time, but
 * always in a later second than the previous cut-off. Tokens issued since the previous cut-off may
 * carry `iat` = that cut-off rounded up, so a new cut-off in the same second would round to the
 * same value and let them through; moving it past that second refuses them too. Whole milliseconds
 * (`1.001 s`), so that the value survives the round trip through a JavaScript Date exactly.
 */
export const nextTokenCutoff = (): string =>
  `GREATEST(now(), date_trunc('second', tokens_valid_after) + interval '1.001 seconds')`;
