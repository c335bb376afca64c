import { Migration } from '@mikro-orm/migrations';
import { searchDigest } from '../search-text.ts';

/** Rows read and rewritten at a time, so a large catalogue is never held in memory whole. */
const BATCH = 500;

/**
 * Rewrites every product's `search_text` as its digest (search-text.ts): the
 * distinct words of the text already stored, so a search finds exactly the
 * same products before and after, and the `like` scan behind every catalogue
 * page reads about half as many characters. The words come from the stored
 * text itself, so nothing else is read.
 */
export class CatalogueSearchDigest extends Migration {
  override name = '0004-catalogue-search-digest';

  override async up(): Promise<void> {
    let after = '';
    for (;;) {
      const rows = (await this.execute('select id, search_text from product where id > ? order by id limit ?', [after, BATCH])) as {
        id: string;
        search_text: string;
      }[];
      for (const row of rows) {
        const digest = searchDigest(row.search_text);
        if (digest !== row.search_text) await this.execute('update product set search_text = ? where id = ?', [digest, row.id]);
      }
      if (rows.length < BATCH) return;
      after = rows.at(-1)!.id;
    }
  }
}
