/**
 * A short, deterministic history in the first community that emits the token and compliance events a simulation
 * may not produce (pause, unfreeze, canceled authorization, sanctions removal, a self-transfer, a zero-amount
 * transfer, a holder emptying its balance). What needs the community's admin (exemption, limits, oracle, roles) is
 * the timelock's now: see ./governanceScenario.ts. Runs against a node with unlocked accounts (Hardhat node):
 * 1 minter, 2 pauser, 3 verifier, 4 officer; 6, 7, 8 hold tokens here.
 */
import { ethers, type ContractTransactionResponse, type JsonRpcSigner } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import { domainOf, signTransferAuthorization, signTyped, transferAuthorization } from "../../scripts/lib/signing";
import { CommunityToken__factory, ComplianceRegistry__factory, SanctionsList__factory } from "../../typechain-types";

export const KC = (n: number) => ethers.parseEther(String(n));

export async function mined(pending: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await pending).wait();
  if (receipt?.status !== 1) throw new Error("scenario transaction reverted");
}

export interface ScenarioActors {
  holder: string;
  relayer: string;
  emptied: string;
  listedThenRemoved: string;
}

export async function runEveryEventScenario(rpcUrl: string, deployment: Deployment): Promise<ScenarioActors> {
  const provider = new ethers.JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const signer = (i: number): Promise<JsonRpcSigner> => provider.getSigner(i);
  const [minter, pauser, verifier, officer, holder, relayer, emptied, listed] = await Promise.all(
    [1, 2, 3, 4, 6, 7, 8, 9].map(signer),
  );
  const community = deployment.communities[0]!;
  const token = CommunityToken__factory.connect(community.token, provider);
  const registry = ComplianceRegistry__factory.connect(community.complianceRegistry, provider);
  const sanctions = SanctionsList__factory.connect(deployment.sanctionsList.address, provider);

  await mined(registry.connect(verifier!).setTier(holder!.address, 1));
  await mined(token.connect(minter!).mint(holder!.address, KC(100), ethers.id("e2e:deposit:holder")));
  await mined(token.connect(minter!).mint(relayer!.address, KC(50), ethers.id("e2e:deposit:relayer")));
  await mined(token.connect(holder!).transfer(holder!.address, KC(10))); // to oneself
  await mined(token.connect(holder!).transfer(relayer!.address, 0n)); // zero amount
  await mined(token.connect(holder!).transfer(emptied!.address, KC(5)));
  await mined(token.connect(holder!).delegate(relayer!.address));
  await mined(token.connect(relayer!).delegate(relayer!.address));

  // ERC-3009: one authorization canceled by its signer's signature, one used by a relayer
  const domain = await domainOf(token);
  const canceledNonce = ethers.id("e2e:nonce:canceled");
  const cancel = await signTyped(holder!, domain, "CancelAuthorization", {
    authorizer: holder!.address,
    nonce: canceledNonce,
  });
  await mined(
    token.connect(relayer!).cancelAuthorization(holder!.address, canceledNonce, cancel.v, cancel.r, cancel.s),
  );
  const now = (await provider.getBlock("latest"))!.timestamp;
  const transfer = transferAuthorization(
    { from: holder!.address, to: relayer!.address, value: KC(3), nonce: ethers.id("e2e:nonce:used") },
    now,
  );
  const { args } = await signTransferAuthorization(holder!, domain, transfer);
  await mined(token.connect(relayer!).transferWithAuthorization(...args));

  await mined(token.connect(emptied!).redeem(KC(5), ethers.id("e2e:payout:emptied"))); // balance back to zero
  await mined(registry.connect(officer!).freeze(emptied!.address, ethers.encodeBytes32String("E2E_REVIEW")));
  await mined(registry.connect(officer!).freeze(listed!.address, ethers.encodeBytes32String("E2E_REVIEW")));
  await mined(registry.connect(officer!).unfreeze(listed!.address, ethers.encodeBytes32String("E2E_CLEARED")));
  await mined(token.connect(pauser!).pause());
  await mined(token.connect(pauser!).unpause());
  await mined(sanctions.connect(officer!).addToSanctionsList([listed!.address]));
  await mined(sanctions.connect(officer!).removeFromSanctionsList([listed!.address]));
  provider.destroy();
  return {
    holder: holder!.address,
    relayer: relayer!.address,
    emptied: emptied!.address,
    listedThenRemoved: listed!.address,
  };
}
