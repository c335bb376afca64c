import { CatalogueInitial } from './0001-initial.ts';
import { CatalogueSearch } from './0002-search.ts';
import { CatalogueProductImages } from './0003-product-images.ts';
import { CatalogueSearchDigest } from './0004-search-digest.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const catalogueMigrations = [CatalogueInitial, CatalogueSearch, CatalogueProductImages, CatalogueSearchDigest];
