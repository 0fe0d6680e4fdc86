import { z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';

/**
 * react-admin's simple-REST list conventions: `filter={"status":"open"}`,
 * `sort=["createdAt","DESC"]`, `range=[0,24]` (inclusive), answered with
 * `Content-Range: <resource> 0-24/319`.
 */
export const ListQuerySchema = z.object({
  filter: z.string().optional().openapi({ description: 'JSON object of filters', example: '{"action":"staff.login"}' }),
  sort: z.string().optional().openapi({ description: 'JSON ["field","ASC"|"DESC"]', example: '["id","DESC"]' }),
  range: z.string().optional().openapi({ description: 'JSON [first,last], inclusive', example: '[0,24]' }),
});

export interface ListQuery<S extends string> {
  filter: Record<string, unknown>;
  sortField: S;
  sortOrder: 'ASC' | 'DESC';
  offset: number;
  limit: number;
}

export const MAX_PAGE = 500;
/** The largest row number a range may name: far beyond any table, and exact as a JavaScript number. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

function parseJson(name: string, text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', `${name} must be JSON`, { fields: { [name]: 'not valid JSON' } });
  }
}

export function parseListQuery<S extends string>(
  query: z.infer<typeof ListQuerySchema>,
  options: { sortable: readonly S[]; defaultSort: [S, 'ASC' | 'DESC']; defaultPage?: number },
): ListQuery<S> {
  const filter = parseJson('filter', query.filter) ?? {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new AppError('validation_failed', 'filter must be a JSON object', { fields: { filter: 'must be an object' } });
  }
  const sort = parseJson('sort', query.sort) ?? options.defaultSort;
  if (!Array.isArray(sort) || sort.length !== 2 || !options.sortable.includes(sort[0]) || !['ASC', 'DESC'].includes(String(sort[1]).toUpperCase())) {
    throw new AppError('validation_failed', `sort must be ["field","ASC|DESC"] with field one of ${options.sortable.join(', ')}`, {
      fields: { sort: 'unsupported sort' },
    });
  }
  const range = parseJson('range', query.range) ?? [0, (options.defaultPage ?? 25) - 1];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n) && n >= 0) || range[1] < range[0]) {
    throw new AppError('validation_failed', 'range must be [first,last] with 0 ≤ first ≤ last', { fields: { range: 'invalid range' } });
  }
  // Both engines take a 64-bit integer offset; 1e20 or 9223372036854775807 arrive as doubles.
  if (range[1] > MAX_OFFSET)
    throw new AppError('validation_failed', `range may not go past row ${MAX_OFFSET}`, { fields: { range: `first and last must be at most ${MAX_OFFSET}` } });
  const limit = range[1] - range[0] + 1;
  if (limit > MAX_PAGE) throw new AppError('validation_failed', `at most ${MAX_PAGE} rows per page`, { fields: { range: 'page too large' } });
  return {
    filter: filter as Record<string, unknown>,
    sortField: sort[0] as S,
    sortOrder: String(sort[1]).toUpperCase() as 'ASC' | 'DESC',
    offset: range[0],
    limit,
  };
}

export function contentRange(resource: string, offset: number, rows: number, total: number): string {
  const last = rows === 0 ? offset : offset + rows - 1;
  return `${resource} ${offset}-${last}/${total}`;
}

/** Filter values arrive as JSON: read one as a string (or list of strings) or complain. */
export function filterString(filter: Record<string, unknown>, key: string): string | undefined {
  const v = filter[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new AppError('validation_failed', `filter.${key} must be a string`, { fields: { [`filter.${key}`]: 'must be a string' } });
}

export function filterIds(filter: Record<string, unknown>, key = 'id'): number[] | undefined {
  const v = filter[key];
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  const ids = list.map(Number);
  if (!ids.every((n) => Number.isSafeInteger(n)))
    throw new AppError('validation_failed', `filter.${key} must be ids`, { fields: { [`filter.${key}`]: 'must be integers' } });
  return ids;
}

/** A numeric id filter value, or a 400. */
export function filterInt(filter: Record<string, unknown>, key: string): number | undefined {
  const s = filterString(filter, key);
  if (s === undefined) return undefined;
  if (!/^\d{1,15}$/.test(s)) throw new AppError('validation_failed', `filter.${key} must be an id`, { fields: { [`filter.${key}`]: 'must be an integer' } });
  return Number(s);
}

export function filterDate(filter: Record<string, unknown>, key: string): Date | undefined {
  const s = filterString(filter, key);
  if (s === undefined) return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new AppError('validation_failed', `filter.${key} must be an ISO date`, { fields: { [`filter.${key}`]: 'not a date' } });
  return d;
}
