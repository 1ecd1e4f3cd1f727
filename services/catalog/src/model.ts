/** The catalog's own shapes. The public document of a product is exactly `ProductDoc`. */
export type ProductStatus = 'draft' | 'active' | 'archived';
export const PRODUCT_STATUSES: readonly ProductStatus[] = ['draft', 'active', 'archived'];

export interface Price {
  currency: string;
  amount: number;
}

export interface ProductOption {
  name: string;
  values: string[];
}

export interface VariantDoc {
  id: string;
  sku: string;
  options: Record<string, string>;
  prices: Price[];
}

export interface ProductDoc {
  id: string;
  name: string;
  slug: string;
  status: ProductStatus;
  description: string;
  category_ids: string[];
  options: ProductOption[];
  variants: VariantDoc[];
  created_at: string;
  updated_at: string;
}

export interface VariantInput {
  id?: string | undefined;
  sku: string;
  options: Record<string, string>;
  prices: Price[];
}

export interface ProductInput {
  name: string;
  slug?: string | undefined;
  status?: string | undefined;
  description: string;
  category_ids: string[];
  options: ProductOption[];
  variants: VariantInput[];
}

export interface ProductPatch {
  name?: string | undefined;
  slug?: string | undefined;
  status?: string | undefined;
  description?: string | undefined;
  category_ids?: string[] | undefined;
  options?: ProductOption[] | undefined;
  variants?: VariantInput[] | undefined;
}

export interface CategoryDoc {
  id: string;
  name: string;
  slug: string;
  parent_id: string | null;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface ProductFilter {
  categoryId?: string | undefined;
  status?: string | undefined;
  updatedSince?: string | undefined;
}
