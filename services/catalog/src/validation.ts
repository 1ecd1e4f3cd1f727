import type { Violations } from '@bazaar/kit';
import { isAmount, isCurrency, isId, MAX_AMOUNT } from '@bazaar/kit';
import { PRODUCT_STATUSES, type ProductInput } from './model.ts';
import { SLUG_MAX, SLUG_PATTERN } from './slugs.ts';

export const LIMITS = {
  name: 200,
  description: 5000,
  categories: 20,
  options: 3,
  optionName: 50,
  optionValues: 100,
  optionValue: 100,
  variants: 100,
  sku: 64,
  prices: 20,
} as const;

const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

const text = (v: Violations, field: string, value: string, max: number, required: boolean): void => {
  if (required && value.trim().length === 0) v.add(field, 'missing_field', `'${field}' must not be empty.`);
  if (value.length > max) v.add(field, 'too_long', `'${field}' must be at most ${max} characters.`);
};

export const checkSlug = (v: Violations, field: string, slug: string): void => {
  if (slug.length > SLUG_MAX) v.add(field, 'too_long', `'${field}' must be at most ${SLUG_MAX} characters.`);
  else if (!SLUG_PATTERN.test(slug)) {
    v.add(
      field,
      'invalid_slug',
      `'${field}' must be lowercase letters and digits separated by single hyphens.`,
    );
  }
};

/**
 * The rules of a well-formed product, beyond what the request schema already checked: option and
 * variant consistency, currencies and amounts, uniqueness within the product. `at` prefixes field
 * paths (for bulk imports).
 */
export const checkProduct = (v: Violations, p: ProductInput, at = ''): void => {
  text(v, `${at}name`, p.name, LIMITS.name, true);
  if (p.slug !== undefined) checkSlug(v, `${at}slug`, p.slug);
  if (p.status !== undefined && !(PRODUCT_STATUSES as readonly string[]).includes(p.status)) {
    v.add(`${at}status`, 'invalid_value', `'status' must be one of ${PRODUCT_STATUSES.join(', ')}.`);
  }
  text(v, `${at}description`, p.description, LIMITS.description, false);

  if (p.category_ids.length > LIMITS.categories) {
    v.add(`${at}category_ids`, 'too_many', `A product can be in at most ${LIMITS.categories} categories.`);
  }
  p.category_ids.forEach((id, i) => {
    if (!isId('cat', id)) v.add(`${at}category_ids/${i}`, 'invalid_id', `'${id}' is not a category id.`);
  });

  if (p.options.length > LIMITS.options) {
    v.add(`${at}options`, 'too_many', `A product can have at most ${LIMITS.options} options.`);
  }
  const optionNames = new Set<string>();
  p.options.forEach((option, i) => {
    const field = `${at}options/${i}`;
    text(v, `${field}/name`, option.name, LIMITS.optionName, true);
    if (optionNames.has(option.name))
      v.add(`${field}/name`, 'duplicate', `Option '${option.name}' appears twice.`);
    optionNames.add(option.name);
    if (option.values.length === 0)
      v.add(`${field}/values`, 'missing_field', 'An option needs at least one value.');
    if (option.values.length > LIMITS.optionValues) {
      v.add(`${field}/values`, 'too_many', `An option can have at most ${LIMITS.optionValues} values.`);
    }
    const seen = new Set<string>();
    option.values.forEach((value, j) => {
      text(v, `${field}/values/${j}`, value, LIMITS.optionValue, true);
      if (seen.has(value)) v.add(`${field}/values/${j}`, 'duplicate', `Value '${value}' appears twice.`);
      seen.add(value);
    });
  });

  if (p.variants.length > LIMITS.variants) {
    v.add(`${at}variants`, 'too_many', `A product can have at most ${LIMITS.variants} variants.`);
  }
  if (p.status === 'active' && p.variants.length === 0) {
    v.add(`${at}variants`, 'variant_required', 'An active product needs at least one variant.');
  }
  const skus = new Set<string>();
  const combinations = new Set<string>();
  p.variants.forEach((variant, i) => {
    const field = `${at}variants/${i}`;
    if (variant.id !== undefined && !isId('var', variant.id)) {
      v.add(`${field}/id`, 'invalid_id', `'${variant.id}' is not a variant id.`);
    }
    text(v, `${field}/sku`, variant.sku, LIMITS.sku, true);
    if (variant.sku && !SKU_PATTERN.test(variant.sku)) {
      v.add(
        `${field}/sku`,
        'invalid_sku',
        `A SKU is letters, digits and . _ - /, starting with a letter or digit.`,
      );
    }
    if (skus.has(variant.sku)) v.add(`${field}/sku`, 'duplicate', `SKU '${variant.sku}' appears twice.`);
    skus.add(variant.sku);

    for (const name of Object.keys(variant.options)) {
      if (!optionNames.has(name))
        v.add(`${field}/options/${name}`, 'unknown_option', `The product has no option '${name}'.`);
    }
    for (const option of p.options) {
      const value = variant.options[option.name];
      if (value === undefined) {
        v.add(
          `${field}/options/${option.name}`,
          'missing_field',
          `The variant needs a value for '${option.name}'.`,
        );
      } else if (!option.values.includes(value)) {
        v.add(
          `${field}/options/${option.name}`,
          'unknown_option_value',
          `'${value}' is not a value of '${option.name}'.`,
        );
      }
    }
    const combination = JSON.stringify(p.options.map((o) => variant.options[o.name] ?? null));
    if (combinations.has(combination)) {
      v.add(`${field}/options`, 'duplicate', 'Another variant has the same option values.');
    }
    combinations.add(combination);

    if (variant.prices.length > LIMITS.prices) {
      v.add(`${field}/prices`, 'too_many', `A variant can have at most ${LIMITS.prices} prices.`);
    }
    const currencies = new Set<string>();
    variant.prices.forEach((price, j) => {
      const pf = `${field}/prices/${j}`;
      if (!isCurrency(price.currency)) {
        v.add(`${pf}/currency`, 'unknown_currency', `'${price.currency}' is not an ISO 4217 currency code.`);
      }
      if (currencies.has(price.currency))
        v.add(`${pf}/currency`, 'duplicate', `Currency ${price.currency} appears twice.`);
      currencies.add(price.currency);
      if (!isAmount(price.amount)) {
        v.add(
          `${pf}/amount`,
          'invalid_amount',
          `An amount is a whole number of minor units from 0 to ${MAX_AMOUNT}.`,
        );
      }
    });
  });
};
