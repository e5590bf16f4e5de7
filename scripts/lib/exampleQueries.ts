/** The example queries `npm start` prints and runs; the start test checks that each answers with data. */
export interface ExampleQuery {
  title: string;
  query: string;
  /** Where the list that must not be empty sits in the answer: field names from the top, dot-separated. */
  itemsAt: string;
}

export const EXAMPLE_QUERIES: ExampleQuery[] = [
  {
    title: "Every community, in launch order: where it is, its currency's supply and holders, its governance",
    itemsAt: "communityProfiles",
    query: `{
  communityProfiles(orderBy: "launchBlock", limit: 100) {
    items {
      id name country currency locale tokenSymbol totalSupply holderCount transferCount
      votingPeriod quorumNumerator proposalCount travelRuleThreshold
    }
    totalCount
  }
}`,
  },
  {
    title: "The five largest holders in Katy, with KYC tier, freeze status, voting power and votes cast",
    itemsAt: "communityProfile.accounts",
    query: `{
  communityProfile(id: "katy") {
    tokenSymbol
    accounts(orderBy: "balance", orderDirection: "desc", limit: 5) {
      items { address balance kycTier frozen votingPower delegate votesCast }
      totalCount
    }
  }
}`,
  },
  {
    title:
      "Governance proposals of the communities and the federation, newest first, with status, deadlines and tallies (state: indexer/src/lib/proposals.ts)",
    itemsAt: "proposals",
    query: `{
  proposals(orderBy: "createdAt", orderDirection: "desc", limit: 5) {
    items {
      scope community { id }
      proposalId description status voteStart voteEnd eta forVotes againstVotes abstainVotes voterCount quorum
    }
  }
}`,
  },
  {
    title:
      "Point-of-sale payments per merchant and UTC day: count, KC and fiat parts, loyalty rewards, refunds (KC share = kcVolume / (kcVolume + fiatVolume))",
    itemsAt: "merchantDays",
    query: `{
  merchantDays(orderBy: "day", orderDirection: "desc", limit: 5) {
    items { merchant community date paymentCount kcVolume fiatVolume rewards refundCount refundedVolume }
  }
}`,
  },
];

/** The items of an example's answer (an empty list if the answer has none). */
export function exampleItems(example: ExampleQuery, answer: Record<string, unknown>): unknown[] {
  let node: unknown = answer;
  for (const field of example.itemsAt.split(".")) node = (node as Record<string, unknown> | null)?.[field];
  return (
    (node as { items?: unknown[] } | undefined)?.items ?? [
      {
        title: "Cross-border payments by corridor and day: count, volume in USD, and how many carry travel-rule data",
        itemsAt: "corridorDays",
        query: `{
  corridorDays(orderBy: "volume", orderDirection: "desc", limit: 5) {
    items { corridor date swapCount volume travelRuleCount }
  }
}`,
      },
    ]
  );
}
