/** The envelope of every list: `{ object: 'list', data, has_more, next_cursor }`. */
export interface ListPage<Item> {
  object: 'list';
  data: Item[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/**
 * A list that fetches its pages as they are read: `for await (const item of list)` walks every item,
 * following `next_cursor`; `pages()` walks whole pages; `firstPage()` fetches one.
 */
export class AutoPager<Item, Query extends PageQuery> implements AsyncIterable<Item> {
  readonly #fetchPage: (query: Query) => Promise<ListPage<Item>>;
  readonly #query: Query;

  constructor(fetchPage: (query: Query) => Promise<ListPage<Item>>, query: Query) {
    this.#fetchPage = fetchPage;
    this.#query = query;
  }

  firstPage(): Promise<ListPage<Item>> {
    return this.#fetchPage(this.#query);
  }

  async *pages(): AsyncGenerator<ListPage<Item>, void, undefined> {
    let query = this.#query;
    for (;;) {
      const page = await this.#fetchPage(query);
      yield page;
      if (!page.has_more || page.next_cursor === null) return;
      query = { ...query, cursor: page.next_cursor };
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item, or the first `max`. */
  async toArray(max = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    if (max <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= max) break;
    }
    return items;
  }
}
