/** Splits breaking changes into those accepted as deliberate (listed verbatim) and the rest. */
export const judge = (changes: readonly string[], accepted: readonly string[]) => {
  const listed = new Set(accepted);
  return {
    lines: changes.map((change) => `${listed.has(change) ? 'accepted' : 'BREAKING'}  ${change}`),
    breaking: changes.filter((change) => !listed.has(change)),
    /** Acceptances that match no change: a typo, or a change since undone. */
    stale: accepted.filter((a) => !changes.includes(a)),
  };
};
