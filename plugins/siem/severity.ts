// One severity scale for every format: CEF's integer 0–10 (0–3 low, 4–6 medium, 7–8 high, 9–10 very
// high). It is the finest of the target scales, so each format maps down from it without losing order.

export const MIN_SEVERITY = 0;
export const MAX_SEVERITY = 10;

/** Rounds and clamps any number onto the 0–10 scale. */
export function clampSeverity(n: number): number {
  return Math.min(MAX_SEVERITY, Math.max(MIN_SEVERITY, Math.round(n)));
}

/**
 * Level names producers use (the severity extension's recommended texts, syslog names, CEF's own
 * labels), upper case. Config `severityNames` adds to or overrides these.
 */
export const SEVERITY_NAMES: Readonly<Record<string, number>> = {
  TRACE: 0,
  DEBUG: 0,
  INFO: 1,
  INFORMATIONAL: 1,
  NOTICE: 2,
  LOW: 3,
  WARN: 4,
  WARNING: 4,
  MEDIUM: 5,
  ERROR: 7,
  ERR: 7,
  HIGH: 8,
  CRITICAL: 9,
  CRIT: 9,
  ALERT: 9,
  'VERY-HIGH': 10,
  FATAL: 10,
  EMERGENCY: 10,
};

export type SeverityNames = ReadonlyMap<string, number>;

export function severityNames(overrides: Record<string, number> = {}): SeverityNames {
  const names = new Map(Object.entries(SEVERITY_NAMES));
  for (const [name, value] of Object.entries(overrides)) names.set(name.toUpperCase(), clampSeverity(value));
  return names;
}

/** A number (clamped) or a level name or numeric string, or undefined when the value says nothing. */
export function parseSeverity(value: unknown, names: SeverityNames): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? clampSeverity(value) : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  const n = Number(text);
  return Number.isFinite(n) ? clampSeverity(n) : names.get(text.toUpperCase());
}

// OpenTelemetry severity numbers come in bands of four (TRACE 1–4 … FATAL 21–24); the band decides.
const OTEL_BANDS = [0, 0, 1, 4, 7, 10] as const;

/**
 * The event's own severity from the CloudEvents severity extension: `severitynumber` (OpenTelemetry
 * scale) first, `severitytext` when the number is absent or unusable.
 */
export function extensionSeverity(event: Readonly<Record<string, unknown>>, names: SeverityNames): number | undefined {
  const n = event.severitynumber;
  if (typeof n === 'number' && Number.isInteger(n) && n > 0) {
    return OTEL_BANDS[Math.min(OTEL_BANDS.length - 1, Math.floor((n - 1) / 4))];
  }
  return parseSeverity(event.severitytext, names);
}
