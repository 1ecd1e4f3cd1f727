import { AppError } from '@bazaar/kit';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLSchema,
  SelectionSetNode,
} from 'graphql';
import { graphql } from './graphql-module.ts';

const { getNamedType, getOperationAST, isObjectType, Kind, OperationTypeNode, valueFromASTUntyped } = graphql;

export const MAX_DEPTH = 8;
export const MAX_COST = 10_000;
const DEFAULT_PAGE = 20;

interface Measure {
  depth: number;
  cost: number;
}

/**
 * How deep a query goes and what it may cost: each object costs 1, and what sits under a field with a
 * `first` argument counts `first` times. Introspection (`__schema`, `__type`) is not counted.
 */
export const measureQuery = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): Measure => {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { depth: 0, cost: 0 };
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) {
      values[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk = (set: SelectionSetNode, type: GraphQLNamedType | undefined): Measure => {
    let depth = 0;
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__') || !selection.selectionSet) continue;
        const field = isObjectType(type) ? type.getFields()[name] : undefined;
        const child = walk(selection.selectionSet, field ? getNamedType(field.type) : undefined);
        const first = selection.arguments?.find((a) => a.name.value === 'first');
        const hasFirst = first !== undefined || field?.args.some((a) => a.name === 'first') === true;
        const given = first ? valueFromASTUntyped(first.value, values) : undefined;
        const times = hasFirst ? (typeof given === 'number' ? given : DEFAULT_PAGE) : 1;
        depth = Math.max(depth, 1 + child.depth);
        cost += 1 + Math.max(times, 1) * child.cost;
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!inner) continue;
        const condition = inner.typeCondition ? schema.getType(inner.typeCondition.name.value) : type;
        const child = walk(inner.selectionSet, condition ?? type);
        depth = Math.max(depth, child.depth);
        cost += child.cost;
      }
    }
    return { depth, cost };
  };
  const root =
    operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  const measured = walk(operation.selectionSet, root ?? undefined);
  // Leaf fields were skipped above: they add one level below the deepest object.
  return { depth: measured.depth + 1, cost: measured.cost };
};

/** Refuses a query over the depth or the cost limit, before anything runs. */
export const checkLimits = (...args: Parameters<typeof measureQuery>): void => {
  const { depth, cost } = measureQuery(...args);
  if (depth > MAX_DEPTH) {
    throw new AppError(
      'query_too_deep',
      400,
      `The query is ${depth} levels deep; the limit is ${MAX_DEPTH}. Ask for less nested data.`,
      [],
      { depth, max_depth: MAX_DEPTH },
    );
  }
  if (cost > MAX_COST) {
    throw new AppError(
      'query_too_costly',
      400,
      `The query could cost ${cost} points; the limit is ${MAX_COST}. Ask for smaller pages (first) or fewer connections.`,
      [],
      { cost, max_cost: MAX_COST },
    );
  }
};
