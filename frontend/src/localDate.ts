/**
 * The calendar date where the person is (`YYYY-MM-DD`): a chair in California on Sunday evening
 * means Sunday's call, though the server's clock (UTC) already says Monday.
 */
export function localDate(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0")
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}
