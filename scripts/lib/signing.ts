/**
 * EIP-712 signing for a KC community token (and any token that reports its domain per EIP-5267): the typed-data
 * types of its signed operations, its domain read from `eip712Domain()`, and ERC-3009 transfer authorizations.
 * Plain ethers (no Hardhat), so that it serves scripts run by Hardhat and tests that talk to a node over JSON-RPC.
 */
import { ethers, type BigNumberish, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

/** The fields of ERC-3009's TransferWithAuthorization and ReceiveWithAuthorization, which share them. */
const AUTHORIZATION_FIELDS: TypedDataField[] = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** The typed-data types of each signed operation, by primary type: `EIP712_TYPES.Permit` goes to `signTypedData`. */
export const EIP712_TYPES = {
  /** ERC-3009 */
  TransferWithAuthorization: { TransferWithAuthorization: AUTHORIZATION_FIELDS },
  /** ERC-3009 */
  ReceiveWithAuthorization: { ReceiveWithAuthorization: AUTHORIZATION_FIELDS },
  /** ERC-3009 */
  CancelAuthorization: {
    CancelAuthorization: [
      { name: "authorizer", type: "address" },
      { name: "nonce", type: "bytes32" },
    ],
  },
  /** ERC-2612 */
  Permit: {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  },
  /** ERC-5805 (OpenZeppelin Votes' delegateBySig) */
  Delegation: {
    Delegation: [
      { name: "delegatee", type: "address" },
      { name: "nonce", type: "uint256" },
      { name: "expiry", type: "uint256" },
    ],
  },
} satisfies Record<string, Record<string, TypedDataField[]>>;

export type PrimaryType = keyof typeof EIP712_TYPES;
export type SignedTransferKind = "TransferWithAuthorization" | "ReceiveWithAuthorization";

/** What `eip712Domain()` (EIP-5267) returns, as a typechain contract reports it. */
export interface ReportedDomain {
  fields: string;
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
  salt: string;
  extensions: bigint[];
}

/** A contract that reports its EIP-712 domain (EIP-5267). */
export interface DomainReporter {
  eip712Domain(): Promise<ReportedDomain>;
}

/** The signing domain of a reported EIP-712 domain, honouring its `fields` bitmap. */
export function typedDataDomain(reported: ReportedDomain): TypedDataDomain {
  const { fields, name, version, chainId, verifyingContract, salt, extensions } = reported;
  if (extensions.length > 0) throw new Error("EIP-712 domain extensions are not supported");
  const bits = Number(fields);
  const domain: TypedDataDomain = {};
  if (bits & 0x01) domain.name = name;
  if (bits & 0x02) domain.version = version;
  if (bits & 0x04) domain.chainId = chainId;
  if (bits & 0x08) domain.verifyingContract = verifyingContract;
  if (bits & 0x10) domain.salt = salt;
  return domain;
}

/** The contract's EIP-712 domain as it reports it (EIP-5267). */
export async function domainOf(contract: DomainReporter): Promise<TypedDataDomain> {
  return typedDataDomain(await contract.eip712Domain());
}

/** Where a signature is made: a domain, or a contract to read it from. */
export type DomainSource = TypedDataDomain | DomainReporter;

/** Signs `message` as the `primaryType` struct in the domain and splits the signature. */
export async function signTyped(
  signer: Pick<Signer, "signTypedData">,
  domain: DomainSource,
  primaryType: PrimaryType,
  message: Record<string, unknown>,
) {
  const resolved = "eip712Domain" in domain ? await domainOf(domain) : domain;
  const signature = await signer.signTypedData(resolved, EIP712_TYPES[primaryType], message);
  const { v, r, s } = ethers.Signature.from(signature);
  return { v, r, s, signature };
}

/** An ERC-3009 transfer authorization, as signed. */
export type TransferAuthorization = {
  from: string;
  to: string;
  value: BigNumberish;
  validAfter: BigNumberish;
  validBefore: BigNumberish;
  nonce: string;
};

/** A fresh random 32-byte ERC-3009 nonce. */
export const randomNonce = () => ethers.hexlify(ethers.randomBytes(32));

/**
 * An ERC-3009 authorization of `value` from `from` to `to`, valid from a minute before `now` (the latest block's
 * timestamp) for an hour, under `nonce` (ERC-3009 nonces are random, not sequential).
 */
export function transferAuthorization(
  payment: { from: string; to: string; value: bigint; nonce: string },
  now: number,
) {
  const { from, to, value, nonce } = payment;
  return { from, to, value, validAfter: now - 60, validBefore: now + 3600, nonce };
}

/**
 * `signer`'s signature of `message` as a `kind` (TransferWithAuthorization unless told) in the token's domain, and
 * `args`: the arguments of transferWithAuthorization / receiveWithAuthorization that submit it.
 */
export async function signTransferAuthorization<M extends TransferAuthorization>(
  signer: Pick<Signer, "signTypedData">,
  token: DomainSource,
  message: M,
  kind: SignedTransferKind = "TransferWithAuthorization",
) {
  const { v, r, s, signature } = await signTyped(signer, token, kind, message);
  const args = [
    message.from,
    message.to,
    message.value,
    message.validAfter,
    message.validBefore,
    message.nonce,
    v,
    r,
    s,
  ] as const;
  return { message, v, r, s, signature, args };
}
