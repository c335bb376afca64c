import { CatalogueInitial } from './0001-initial.ts';
import { CatalogueSearch } from './0002-search.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const catalogueMigrations = [CatalogueInitial, CatalogueSearch];
