import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import type { CatalogueReferenceQuery } from '../../../gql/graphql.ts';
import { CatalogueReference } from './operations.ts';

type CategoryNode = CatalogueReferenceQuery['categories'][number];

/** Brands, suppliers and the category tree (as far as the query reads it, three levels) as select options. */
export function useReferenceOptions() {
  const { data, error } = useQuery(CatalogueReference);
  return useMemo(() => {
    const categories: (readonly [string, string])[] = [];
    const walk = (nodes: readonly Pick<CategoryNode, 'id' | 'path'>[]) => {
      for (const node of nodes) {
        categories.push([node.id, node.path] as const);
        if ('children' in node) walk((node as { children: Pick<CategoryNode, 'id' | 'path'>[] }).children);
      }
    };
    walk(data?.categories ?? []);
    return {
      error,
      loaded: Boolean(data),
      brands: (data?.brands ?? []).map((brand) => [brand.id, brand.name] as const),
      suppliers: (data?.suppliers ?? []).map((supplier) => [supplier.id, supplier.name] as const),
      categories,
    };
  }, [data, error]);
}
