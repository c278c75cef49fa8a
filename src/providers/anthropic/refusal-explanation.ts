/**
 * What the user is told when Claude refuses: the vendor's explanation from `stop_details`, or its
 * category, or a plain statement when the API gives neither.
 */
export function refusalExplanation(details: { category?: string | null; explanation?: string | null } | null | undefined): string {
  if (details?.explanation) return details.explanation;
  if (details?.category) return `the request was refused (category: ${details.category})`;
  return 'the model refused the request';
}
