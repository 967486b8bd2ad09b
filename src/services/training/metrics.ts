/**
 * Metrics as the trainers send them: JSON that may hold Python's bare NaN and Infinity (older
 * packages; newer ones send null), stored as numbers or null, shown as the finite ones only.
 */

const NON_FINITE = /([:[,]\s*)-?(?:NaN|Infinity)(?=\s*[,\]}])/g;

/** JSON.parse that reads Python's bare NaN and Infinity as null; throws SyntaxError on anything else. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(NON_FINITE, "$1null"));
  }
}

export const finiteOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** An object's values as finite numbers or null (NaN, Infinity and non-numbers alike). */
export function metricsOf(value: unknown): Record<string, number | null> {
  const entries = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
  return Object.fromEntries(entries.map(([key, v]) => [key, finiteOrNull(v)]));
}

/** The metrics that have a value, for the model's headline numbers. */
export function finiteMetrics(metrics: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => entry[1] !== null));
}
