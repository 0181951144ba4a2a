export interface PageMeta {
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

/**
 * What a controller returns for a list: the envelope interceptor puts `items` in `data` and
 * `meta` beside it.
 */
export class Paginated<T> {
  readonly meta: PageMeta;

  constructor(
    readonly items: T[],
    total: number,
    page: number,
    pageSize: number,
  ) {
    this.meta = { page, pageSize, total, totalPages: Math.ceil(total / pageSize) };
  }

  map<U>(mapper: (item: T) => U): Paginated<U> {
    return new Paginated(
      this.items.map(mapper),
      this.meta.total,
      this.meta.page,
      this.meta.pageSize,
    );
  }

  /** `OFFSET` for a page; pages start at 1. */
  static offset(page: number, pageSize: number): number {
    return (page - 1) * pageSize;
  }
}

/**
 * A page whose `data` is one object rather than a list (e.g. the gradebook's `{items,
 * students}`): the envelope interceptor puts `data` in `data` and `meta` beside it.
 */
export class PagedObject<T> {
  readonly meta: PageMeta;

  constructor(
    readonly data: T,
    total: number,
    page: number,
    pageSize: number,
  ) {
    this.meta = { page, pageSize, total, totalPages: Math.ceil(total / pageSize) };
  }
}
