-- An account is what the operator creates: a live tenant and a test tenant, two tenant ids whose
-- data never meets. Both rows name the live one as their account; the plan and the pinned API
-- version belong to the account and are kept on both rows so a key's tenant row says everything.
alter table tenants add column mode text not null default 'live' check (mode in ('live', 'test'));
alter table tenants add column account_id text references tenants (id);
update tenants set account_id = id;
alter table tenants alter column account_id set not null;
create unique index tenants_account_mode on tenants (account_id, mode);
alter table tenants add column plan text not null default 'growth';
alter table tenants add column api_version text;

-- Restricted keys (rk_…) carry an explicit subset of scopes.
alter table api_keys drop constraint api_keys_kind_check;
alter table api_keys add constraint api_keys_kind_check check (kind in ('secret', 'publishable', 'restricted'));

-- Publishable keys carried the single pseudo-scope 'storefront'; they now carry the storefront scopes.
update api_keys
   set scopes = array['products:read', 'inventory:read', 'carts:read', 'carts:write']
 where kind = 'publishable';
