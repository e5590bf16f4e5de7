/** The example queries `npm start` prints and runs; the start test checks that each answers with data. */
export interface ExampleQuery {
  title: string;
  query: string;
  /** The list in the answer that must not be empty for the example to show data. */
  itemsAt: string;
}

export const EXAMPLE_QUERIES: ExampleQuery[] = [
  {
    title: "Each community's currency: supply, holders, issuance and redemptions",
    itemsAt: "communityTokens",
    query: `{
  communityTokens {
    items { communityId symbol currency totalSupply holderCount transferCount mintedTotal redeemedTotal paused }
  }
}`,
  },
  {
    title: "The five largest holders, with KYC tier, freeze status and voting power",
    itemsAt: "accounts",
    query: `{
  accounts(orderBy: "balance", orderDirection: "desc", limit: 5) {
    items { address balance kycTier frozen votingPower delegate transfersOut }
    totalCount
  }
}`,
  },
  {
    title: "Accounts frozen by compliance officers, newest first, with the reason code",
    itemsAt: "complianceEvents",
    query: `{
  complianceEvents(where: { kind: frozen }, orderBy: "timestamp", orderDirection: "desc", limit: 5) {
    items { account reasonLabel reasonCode actor timestamp transactionHash }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
];

/** The items of an example's answer (an empty list if the answer has none). */
export function exampleItems(example: ExampleQuery, answer: Record<string, unknown>): unknown[] {
  const page = answer[example.itemsAt] as { items?: unknown[] } | undefined;
  return page?.items ?? [];
}
