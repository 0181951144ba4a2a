/**
 * Tokens are refused when issued (`iat`, whole seconds) before `tokensValidAfter`. Rounding the
 * cut-off up to the next second refuses every older token; tokens issued afterwards carry
 * `iat >= cut-off` (see TokenService), so a fresh login right after a password change still works.
 */
export function validAfterSeconds(tokensValidAfter: Date): number {
  return Math.ceil(tokensValidAfter.getTime() / 1000);
}
