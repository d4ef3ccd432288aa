// Every cap of the condition language in one place. A condition is written by an org admin but
// evaluated against documents an agent controls, on guardian's hot path: each cap bounds either
// the work one evaluation can do or the size of what a policy may store. Measured worst cases
// are in the README.

/** Nesting of all/any/not; a leaf alone has depth 1. Real policies stay under 5. */
export const MAX_DEPTH = 32
/** Leaves and combinators together in one condition: bounds compile and evaluate work. */
export const MAX_NODES = 1_000
/** Entries of an `in` / `notIn` list. A longer allowlist belongs in data, not in a policy. */
export const MAX_VALUES = 1_000
/** Length of a `matches` regex or a `glob` pattern, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 256
/**
 * Longest string `matches` and `glob` will test, in UTF-16 code units. A longer string does not
 * match (see the README for what that means for deny rules, and how to guard with maxLength).
 */
export const MAX_TESTED_LENGTH = 4_096
