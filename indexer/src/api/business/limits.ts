/**
 * Query limits for the business GraphQL API, as envelop plugins for graphql-yoga built on graphql-armor. A query over
 * a limit is refused before it runs, with a GraphQL error that names the limit and the query's value
 * ("Query depth 12 exceeds the limit of 8") and an `extensions.code` per limit. graphql-armor's own messages are
 * replaced through its onReject callbacks (propagateOnRejection off), so what a client reads is ours.
 */
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { GraphQLError, Kind, type SelectionSetNode, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";

export const LIMITS = {
  /** The deepest real query (community -> merchant -> payments -> payment -> fields) is 5 levels; 8 leaves room. */
  maxDepth: 8,
  /** Enough to ask for a few communities or days side by side; alias floods multiply work per request. */
  maxAliases: 15,
  /** graphql-armor's cost (objects 2, scalars 1, x1.5 per level, x`first`): one full page of 500 rows fits. */
  maxCost: 5000,
  /** A hand-written report query is a few hundred tokens; 2000 stops parser floods before validation. */
  maxTokens: 2000,
  /** We define no custom directives; @include/@skip a few times is plenty, and directive floods are an attack. */
  maxDirectives: 10,
  /**
   * Root fields that run several SQL statements each (analytics, reports, the alert queue): at most this many per
   * operation, so aliases cannot multiply them (graphql-armor's cost counts fields, not the work behind them).
   */
  maxExpensiveFields: 3,
} as const;

/** The largest request body the GraphQL endpoint reads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The number graphql-armor put in its message ("..., found 12."), rounded up (cost can be fractional). */
function found(error: GraphQLError): number | undefined {
  const match = /found (\d+(?:\.\d+)?)/.exec(error.message);
  return match ? Math.ceil(Number(match[1])) : undefined;
}

/** An onReject callback that reports our error for a validation rule in place of graphql-armor's. */
function reject(code: string, message: (value: number | undefined) => string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const ours = new GraphQLError(message(found(error)), { extensions: { code } });
    if (context === null) throw ours;
    context.reportError(ours);
  };
}

/** The plugins enforcing `LIMITS`, plus graphql-armor's "Did you mean ...?" suggestion blocking. */
export function limitPlugins(): Plugin[] {
  const { maxDepth, maxAliases, maxCost, maxTokens, maxDirectives } = LIMITS;
  const quiet = { propagateOnRejection: false, exposeLimits: true };
  return [
    maxTokensPlugin({
      ...quiet,
      n: maxTokens,
      // the parser stops at the first token over the limit, so the full count is unknown
      onReject: [reject("TOKEN_LIMIT", () => `Query has more than ${maxTokens} tokens, the limit`)],
    }),
    maxDepthPlugin({
      ...quiet,
      n: maxDepth,
      onReject: [reject("DEPTH_LIMIT", (n) => `Query depth ${n ?? "?"} exceeds the limit of ${maxDepth}`)],
    }),
    maxAliasesPlugin({
      ...quiet,
      n: maxAliases,
      onReject: [reject("ALIAS_LIMIT", (n) => `Query has ${n ?? "too many"} aliases, over the limit of ${maxAliases}`)],
    }),
    maxDirectivesPlugin({
      ...quiet,
      n: maxDirectives,
      onReject: [
        reject("DIRECTIVE_LIMIT", (n) => `Query has ${n ?? "too many"} directives, over the limit of ${maxDirectives}`),
      ],
    }),
    costLimitPlugin({
      ...quiet,
      maxCost,
      onReject: [reject("COST_LIMIT", (n) => `Query cost ${n ?? "?"} exceeds the limit of ${maxCost}`)],
    }),
    blockFieldSuggestionsPlugin(),
    { onValidate: ({ addValidationRule }) => addValidationRule(expensiveFieldsRule) },
  ] as Plugin[];
}

/** The Query fields whose resolvers run several SQL statements each. */
export const EXPENSIVE_FIELDS: ReadonlySet<string> = new Set([
  "analytics",
  "merchantStatement",
  "accountHistory",
  "alerts",
  "accountRisk",
  "travelRuleRecords",
  "frozenAccounts",
]);

/** The expensive root fields of an operation, aliases included, through fragments at the root. */
function expensiveFields(selectionSet: SelectionSetNode, context: ValidationContext, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (EXPENSIVE_FIELDS.has(selection.name.value)) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += expensiveFields(selection.selectionSet, context, seen);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (fragment && !seen.has(name)) count += expensiveFields(fragment.selectionSet, context, seen.add(name));
    }
  }
  return count;
}

/** Refuses an operation with more than `LIMITS.maxExpensiveFields` expensive root fields. */
const expensiveFieldsRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const count = expensiveFields(operation.selectionSet, context);
    if (count > LIMITS.maxExpensiveFields) {
      context.reportError(
        new GraphQLError(
          `Query asks for ${count} analytics or report fields, over the limit of ${LIMITS.maxExpensiveFields} per request: send them in separate requests`,
          { extensions: { code: "EXPENSIVE_FIELD_LIMIT" } },
        ),
      );
    }
  },
});
