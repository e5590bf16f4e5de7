/**
 * More communities, launched through the CommunityFactory while the indexer runs, by an account the federation gave
 * LAUNCHER_ROLE (./federationScenario.ts: after the deployment only the Federation launches, and it launches only
 * admitted communities, at the oracle's rate of their currency): each with its own country, currency, locale and
 * settings, so that every one of them is distinguishable in the indexer's answers. They are registered communities,
 * not federation members.
 */
import { ethers } from "ethers";
import { UNLIMITED } from "../../scripts/lib/communityConfig";
import type { Deployment } from "../../scripts/lib/deployment";
import { CommunityFactory__factory, type ICommunityFactory } from "../../typechain-types";
import { KC, mined } from "./scenario";

/** [city, country (ISO 3166), currency (ISO 4217), locale (BCP 47)] */
const PLACES: [string, string, string, string][] = [
  ["Austin", "US", "USD", "en-US"],
  ["Guadalajara", "MX", "MXN", "es-MX"],
  ["Montreal", "CA", "CAD", "fr-CA"],
  ["Recife", "BR", "BRL", "pt-BR"],
  ["Rosario", "AR", "ARS", "es-AR"],
  ["Medellin", "CO", "COP", "es-CO"],
  ["Cusco", "PE", "PEN", "es-PE"],
  ["Valparaiso", "CL", "CLP", "es-CL"],
  ["Bristol", "GB", "GBP", "en-GB"],
  ["Leipzig", "DE", "EUR", "de-DE"],
  ["Lyon", "FR", "EUR", "fr-FR"],
  ["Sapporo", "JP", "JPY", "ja-JP"],
  ["Mombasa", "KE", "KES", "sw-KE"],
  ["Pune", "IN", "INR", "hi-IN"],
  ["Tainan", "TW", "TWD", "zh-Hant-TW"],
  ["Colon", "PA", "USD", "es-419"],
  ["Lagos", "NG", "NGN", "en-NG"],
  ["Cebu", "PH", "PHP", "fil-PH"],
];

/** `count` launch configs numbered from `first`; settings vary with the number, within the factory's bounds. */
export function launchConfigs(
  first: number,
  count: number,
  operators: ICommunityFactory.OperatorsStruct,
): ICommunityFactory.CommunityConfigStruct[] {
  return Array.from({ length: count }, (_, k) => {
    const n = first + k;
    const [city, country, currency, locale] = PLACES[n % PLACES.length]!;
    return {
      id: `${city.toLowerCase()}-${n}`,
      name: `${city} ${n}`,
      country,
      currency,
      locale,
      tokenName: `${city} Coin ${n}`,
      tokenSymbol: `${city.slice(0, 3).toUpperCase()}${n}`,
      governance: {
        votingDelay: 60 + n,
        votingPeriod: 3_600 + 60 * n,
        proposalThreshold: KC(10 * n),
        quorumPercent: 1 + (n % 20),
        voteExtension: 10 * n,
        timelockDelay: 3_600 + n,
      },
      compliance: {
        tier0DailyLimit: KC(100 * n),
        tier1DailyLimit: KC(1_000 * n),
        tier2DailyLimit: n % 3 === 0 ? UNLIMITED : KC(10_000 * n),
        travelRuleThreshold: KC(50 * n),
      },
      operators,
    };
  });
}

/** Launches each config, one transaction each, from `launcher` (an unlocked node account with LAUNCHER_ROLE). */
export async function launchCommunities(
  rpcUrl: string,
  deployment: Deployment,
  launcherAddress: string,
  configs: ICommunityFactory.CommunityConfigStruct[],
): Promise<void> {
  const provider = new ethers.JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const launcher = await provider.getSigner(launcherAddress);
  const factory = CommunityFactory__factory.connect(deployment.communityFactory.address, launcher);
  for (const config of configs) await mined(factory.launch(config));
  provider.destroy();
}
