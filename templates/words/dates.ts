/** Edition dates (YYYY-MM-DD) as each language writes them; anything else is shown as given. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function chineseDate(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return isoDate;
  const [, year, month, day] = match;
  return `${year}年${Number(month)}月${Number(day)}日`;
}

const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function englishDate(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  const month = match ? ENGLISH_MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return isoDate;
  return `${Number(match[3])} ${month} ${match[1]}`;
}

/** A long date in the locale's own form (`14. Juli 2025`, `2025년 7월 14일`), read in UTC so the day never shifts. */
export function localeDate(locale: string): (isoDate: string) => string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return (isoDate) => (ISO_DATE.test(isoDate) ? format.format(new Date(`${isoDate}T00:00:00Z`)) : isoDate);
}
