import { AppError } from './errors.ts';

/**
 * Cursors are opaque to callers: the last id seen, encoded. Ids sort by creation time, so
 * `id > cursor order by id` pages stably while rows are added.
 */
export const encodeCursor = (lastId: string): string => Buffer.from(`v1:${lastId}`).toString('base64url');

export const decodeCursor = (cursor: string): string => {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^v1:[a-z]+_[0-9a-z]{26}$/.test(text)) {
    throw new AppError(
      'invalid_cursor',
      400,
      'The cursor is malformed. Pass the next_cursor of a previous page.',
      [{ field: 'cursor', code: 'invalid_cursor', message: 'Malformed cursor.' }],
    );
  }
  return text.slice(3);
};

/** Fetch `limit + 1` rows; this trims the extra one and says whether there is more. */
export const page = <T extends { id: string }>(
  rows: T[],
  limit: number,
): { items: T[]; hasMore: boolean; nextCursor: string } => {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, hasMore, nextCursor: hasMore && last ? encodeCursor(last.id) : '' };
};

/** The page size a private API call asked for: 1 to 100, 20 when unset. */
export const pageSize = (limit: number): number => (limit > 0 ? Math.min(limit, 100) : 20);
