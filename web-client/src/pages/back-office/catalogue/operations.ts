import { graphql } from '../../../gql/index.ts';

// The catalogue section's operations (issue 22): a merchandiser's work, each mutation with its userErrors.

export const CatalogueProducts = graphql(`
  query CatalogueProducts($search: String, $first: Int!, $after: String) {
    products(filter: { search: $search, includeInactive: true }, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          active
          brand {
            id
            name
          }
          category {
            id
            path
          }
          skus {
            code
            price {
              amount
              currencyCode
            }
          }
        }
      }
    }
  }
`);

export const CatalogueProduct = graphql(`
  query CatalogueProduct($id: ID!) {
    product(id: $id) {
      id
      name
      description
      active
      taxClass
      brand {
        id
      }
      category {
        id
      }
      supplier {
        id
      }
      skus {
        code
        name
        price {
          amount
          currencyCode
        }
        manufacturerPartNumber
        oeNumbers
        crossReferences {
          brand
          number
        }
      }
      images {
        id
        url
        alt
        width
        height
      }
    }
  }
`);

export const CatalogueReference = graphql(`
  query CatalogueReference {
    brands {
      id
      name
      country
    }
    categories {
      id
      path
      children {
        id
        path
        children {
          id
          path
        }
      }
    }
    suppliers {
      id
      name
      email
      phone
    }
  }
`);

export const CatalogueCreateProduct = graphql(`
  mutation CatalogueCreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        id
        name
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueUpdateProduct = graphql(`
  mutation CatalogueUpdateProduct($input: UpdateProductInput!) {
    updateProduct(input: $input) {
      product {
        id
        name
        description
        active
        taxClass
        brand {
          id
        }
        category {
          id
        }
        supplier {
          id
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueSetSkuPrice = graphql(`
  mutation CatalogueSetSkuPrice($input: SetSkuPriceInput!) {
    setSkuPrice(input: $input) {
      sku {
        code
        price {
          amount
          currencyCode
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueSetSkuPartNumbers = graphql(`
  mutation CatalogueSetSkuPartNumbers($input: SetSkuPartNumbersInput!) {
    setSkuPartNumbers(input: $input) {
      sku {
        code
        manufacturerPartNumber
        oeNumbers
        crossReferences {
          brand
          number
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueAddImage = graphql(`
  mutation CatalogueAddImage($input: AddProductImageInput!) {
    addProductImage(input: $input) {
      product {
        id
        images {
          id
          url
          alt
          width
          height
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueRemoveImage = graphql(`
  mutation CatalogueRemoveImage($input: RemoveProductImageInput!) {
    removeProductImage(input: $input) {
      product {
        id
        images {
          id
          url
          alt
          width
          height
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueReorderImages = graphql(`
  mutation CatalogueReorderImages($input: ReorderProductImagesInput!) {
    reorderProductImages(input: $input) {
      product {
        id
        images {
          id
          url
          alt
          width
          height
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueCreateBrand = graphql(`
  mutation CatalogueCreateBrand($input: CreateBrandInput!) {
    createBrand(input: $input) {
      brand {
        id
        name
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueCreateCategory = graphql(`
  mutation CatalogueCreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      category {
        id
        path
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const CatalogueCreateSupplier = graphql(`
  mutation CatalogueCreateSupplier($input: CreateSupplierInput!) {
    createSupplier(input: $input) {
      supplier {
        id
        name
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
