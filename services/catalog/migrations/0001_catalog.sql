create table categories (
  id text primary key,
  tenant_id text not null,
  name text not null,
  slug text not null,
  parent_id text references categories (id),
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint categories_slug_unique unique (tenant_id, slug)
);
create index categories_tenant on categories (tenant_id, id);

-- Products and variants are the source of truth; product_listings is the read model built from them.
create table products (
  id text primary key,
  tenant_id text not null,
  name text not null,
  slug text not null,
  status text not null check (status in ('draft', 'active', 'archived')),
  description text not null default '',
  category_ids text[] not null default '{}',
  options jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint products_slug_unique unique (tenant_id, slug) deferrable initially deferred
);

create table variants (
  id text primary key,
  tenant_id text not null,
  product_id text not null references products (id) on delete cascade,
  position int not null,
  sku text not null,
  options jsonb not null default '{}',
  prices jsonb not null default '[]',
  constraint variants_sku_unique unique (tenant_id, sku) deferrable initially deferred
);
create index variants_product on variants (product_id, position);

-- One row per product holding the whole public document, so a page of products is one indexed query.
create table product_listings (
  id text primary key references products (id) on delete cascade,
  tenant_id text not null,
  slug text not null,
  status text not null,
  category_ids text[] not null,
  updated_at timestamptz not null,
  doc jsonb not null
);
create index product_listings_page on product_listings (tenant_id, id);
create index product_listings_status on product_listings (tenant_id, status, id);
create index product_listings_slug on product_listings (tenant_id, slug);
create index product_listings_updated on product_listings (tenant_id, updated_at);
create index product_listings_categories on product_listings using gin (category_ids);
