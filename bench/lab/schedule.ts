// The order of an interleaved run: round by round, every variant once per round, and no variant ever
// twice in a row (so no variant profits from caches its own previous run left warm, and none runs as a
// block while the machine is in one state). With three or more variants each round starts one later
// (A B C, B C A, C A B): each goes first equally often. With two, rotating the first would put one twice
// in a row at a round's border (A B | B A), so the run alternates (A B A B …) and the ratio's bracketing
// (ratio.ts: each sample against the other's samples just before and after it) balances the order.

/** The `round`-th round's variant indices (rounds run one at a time until a stop rule holds). */
export function roundOrder(variants: number, round: number): number[] {
  if (!(Number.isInteger(variants) && variants >= 1)) throw new RangeError(`roundOrder: variants must be a positive integer, got ${variants}`);
  const shift = variants >= 3 ? round % variants : 0;
  return Array.from({ length: variants }, (_, k) => (k + shift) % variants);
}

/** The whole run's order for `rounds` rounds. */
export function interleavedRounds(variants: number, rounds: number): number[][] {
  return Array.from({ length: rounds }, (_, r) => roundOrder(variants, r));
}
