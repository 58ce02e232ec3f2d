/**
 * What the table tests share: the test frames' values as formulas of the row number (the reference
 * the cells are checked against) and reading the rendered rows of the page.
 */
import type { Page } from 'playwright-core';

export const group = (i: number) => (i * 37) % 101;
export const score = (i: number) => ((i * 7919) % 100_003) / 8;
export const name = (i: number): string | null => (i % 11 === 5 ? null : `r${i}`);
export const flag = (i: number): boolean | null => (i % 3 === 0 ? null : i % 2 === 0);
export const COLUMNS = ['id', 'group', 'score', 'name', 'flag'];

/** The texts the table should show for row i, by column. */
export function expectedTexts(i: number): Record<string, string> {
  return {
    id: String(i),
    group: String(group(i)),
    score: String(score(i)),
    name: name(i) ?? 'null',
    flag: String(flag(i)),
  };
}

/** The cell texts of the rendered rows (of `columns`), by position, first `count` rows from the top. */
export async function shownRows(
  page: Page,
  count: number,
  columns: readonly string[] = COLUMNS,
): Promise<{ row: number; texts: Record<string, string> }[]> {
  return page.$$eval(
    '.body .row',
    (rows, [columns, n]) =>
      rows
        .map((r) => ({
          row: Number(r.getAttribute('data-row')),
          texts: Object.fromEntries(
            (columns as string[]).map((c) => [
              c,
              r.querySelector(`[data-col="${c}"]`)?.textContent?.trim() ?? '',
            ]),
          ),
        }))
        .sort((a, b) => a.row - b.row)
        .slice(0, n as number),
    [columns, count] as const,
  );
}

/**
 * Wait until the top `count` rows are loaded (no cell still pending). With `exactly`, there must be
 * `count` of them (a filtered view's first page); without, fewer will do (the last rows of a frame).
 */
export async function waitLoaded(
  page: Page,
  count: number,
  exactly = false,
  timeout = 20_000,
): Promise<void> {
  await page.waitForFunction(
    ([n, all]) => {
      const rows = [...document.querySelectorAll('.body .row')]
        .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
        .slice(0, n as number);
      return (
        (all ? rows.length === n : rows.length > 0) &&
        rows.every(
          (r) => r.querySelector('.pending') === null && r.querySelector('.gutter')?.textContent !== '',
        )
      );
    },
    [count, exactly] as const,
    { timeout },
  );
}

/** The cell texts of the top `n` rendered rows (of `columns`), once all `n` are loaded. */
export async function topRows(
  page: Page,
  n: number,
  columns: readonly string[] = COLUMNS,
): Promise<Record<string, string>[]> {
  await waitLoaded(page, n, true);
  return (await shownRows(page, n, columns)).map((r) => r.texts);
}

/** Set a rule of the filter bar (added if missing). */
export async function setRule(
  page: Page,
  i: number,
  column: string,
  op: string,
  value: string,
): Promise<void> {
  if ((await page.$(`[data-rule="${i}"]`)) === null) await page.click('[data-testid="add-rule"]');
  const rule = `[data-rule="${i}"]`;
  await page.selectOption(`${rule} [data-field="column"]`, column);
  await page.selectOption(`${rule} [data-field="op"]`, op);
  const field = page.locator(`${rule} [data-field="value"]`);
  if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}
