/**
 * Converts the five-field cron of `newsletter.config.json` (the same one the local scheduler runs)
 * into an EventBridge Scheduler cron expression, so one schedule means the same moments in both places.
 *
 * Scheduler differs from classic cron in three ways this takes care of: it has a sixth field (year);
 * exactly one of day-of-month and day-of-week must be `?`; and day-of-week counts 1 = Sunday to
 * 7 = Saturday, where cron counts 0 (or 7) = Sunday to 6 = Saturday.
 *
 * @example
 * toSchedulerCron('0 8 * * 1'); // 'cron(0 8 ? * 2 *)': Mondays at 08:00
 */

export class CronConversionError extends Error {
  override readonly name = 'CronConversionError';
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const SIMPLE_FIELD = /^[0-9A-Za-z*,/-]+$/;

export function toSchedulerCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronConversionError(`cron "${cron}" must have five fields (minute hour day-of-month month day-of-week)`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  for (const [name, value] of [
    ['minute', minute],
    ['hour', hour],
    ['day-of-month', dayOfMonth],
    ['month', month],
  ] as const) {
    if (!SIMPLE_FIELD.test(value)) {
      throw new CronConversionError(
        `cron "${cron}": the ${name} field "${value}" uses syntax EventBridge Scheduler cannot express; use numbers, names, "*", ",", "-" and "/"`,
      );
    }
  }

  const domOpen = dayOfMonth === '*' || dayOfMonth === '?';
  const dowOpen = dayOfWeek === '*' || dayOfWeek === '?';
  if (!domOpen && !dowOpen) {
    // Classic cron fires when EITHER field matches; Scheduler cannot say "either", only one of them.
    throw new CronConversionError(
      `cron "${cron}" restricts both day-of-month and day-of-week, which EventBridge Scheduler cannot express: set one of them to "*"`,
    );
  }
  if (dowOpen) return `cron(${minute} ${hour} ${domOpen ? '*' : dayOfMonth} ${month} ? *)`;
  return `cron(${minute} ${hour} ? ${month} ${schedulerDaysOfWeek(dayOfWeek, cron)} *)`;
}

/** Expands a cron day-of-week field to days (0 = Sunday) and writes them in Scheduler numbering. */
function schedulerDaysOfWeek(field: string, cron: string): string {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronConversionError(`cron "${cron}": day-of-week step "${part}" is not a positive whole number`);
    let start: number;
    let end: number;
    if (range === '*') {
      start = 0;
      end = 6;
    } else if (range.includes('-')) {
      const [from, to] = range.split('-') as [string, string];
      start = dayNumber(from, cron);
      end = dayNumber(to, cron, true);
    } else {
      start = dayNumber(range, cron);
      end = stepText === undefined ? start : 6;
    }
    if (end < start) throw new CronConversionError(`cron "${cron}": day-of-week range "${range}" runs backwards; write it as two ranges`);
    for (let day = start; day <= end; day += step) days.add(day % 7);
  }
  const schedulerDays = [...days].map((day) => day + 1).sort((a, b) => a - b);
  return compressRuns(schedulerDays);
}

/** A cron day-of-week (0-7 or SUN-SAT) as 0 = Sunday ... 6 = Saturday; 7 stays 7 as a range end. */
function dayNumber(text: string, cron: string, rangeEnd = false): number {
  const named = DAY_NAMES.indexOf(text.toUpperCase() as (typeof DAY_NAMES)[number]);
  if (named >= 0) return named;
  if (!/^\d+$/.test(text) || Number(text) > 7) {
    throw new CronConversionError(`cron "${cron}": day-of-week "${text}" must be 0-7 or SUN-SAT (cron's L and # are not supported)`);
  }
  const day = Number(text);
  return day === 7 && !rangeEnd ? 0 : day;
}

/** `[2, 3, 4, 6]` → `2-4,6`: the shortest form Scheduler reads the same way. */
function compressRuns(days: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    parts.push(j > i ? `${days[i]}-${days[j]}` : String(days[i]));
    i = j + 1;
  }
  return parts.join(',');
}
