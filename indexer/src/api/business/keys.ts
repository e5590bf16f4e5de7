/**
 * API keys for the business API, kept hashed in a JSON file that `npm run apikey` edits and the running server
 * reads. A key is `kc_<id>_<secret>`: the id (8 hex digits) finds the record, the secret (32 random bytes, base64url)
 * proves it; only the SHA-256 of the whole key is stored, so the file never holds a usable key. Writes are atomic
 * (temp file in the same directory, then rename) with mode 0600 in a 0700 directory. A `KeyStore` notices a changed
 * file within about a second, so issuing or revoking a key needs no restart.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";

export const KEY_ROLES = ["compliance", "business"] as const;
/** compliance: every merchant of its communities; business: only the merchants it names. */
export type KeyRole = (typeof KEY_ROLES)[number];

/** One key as stored. */
export interface KeyRecord {
  /** 8 lowercase hex digits, unique in the file; the middle part of the key. */
  id: string;
  label: string;
  role: KeyRole;
  /** Community ids the key may read; null for every community. */
  communities: string[] | null;
  /** Lowercase merchant addresses a business key may read; empty for a compliance key. */
  merchants: string[];
  ratePerSecond: number;
  burst: number;
  /** SHA-256 (hex) of the whole key string. */
  hash: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** ISO-8601 UTC, or null while the key works. */
  revokedAt: string | null;
}

/** What `issueKey` needs. */
export interface IssueKeyOptions {
  label: string;
  role: string;
  /** Omitted or null: every community. */
  communities?: readonly string[] | null;
  merchants?: readonly string[];
  ratePerSecond?: number;
  burst?: number;
}

/** A request the key file cannot take (bad label, role, address...): the caller's mistake, not the file's. */
export class KeyInputError extends Error {
  override name = "KeyInputError";
}

export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_BURST = 40;

const ID = /^[0-9a-f]{8}$/;
const HASH = /^[0-9a-f]{64}$/;
const KEY = /^kc_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const COMMUNITY = /^[a-z0-9-]{1,32}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MAX_LABEL = 100;
/** How often (ms) a KeyStore looks at the file for changes. */
const RELOAD_CHECK_MS = 1000;

/** The keys file under the indexer directory: `<indexerDir>/.keys/api-keys.json`. */
export function defaultKeysFile(indexerDir: string): string {
  return join(indexerDir, ".keys", "api-keys.json");
}

/** SHA-256 (hex) of a whole key string. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function corrupt(file: string, why: string): Error {
  return new Error(`API keys file ${file} is corrupt: ${why}`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function checkRecord(file: string, value: unknown, index: number): KeyRecord {
  const r = value as Partial<KeyRecord> | null;
  const bad = (field: string) => corrupt(file, `keys[${index}].${field} is missing or invalid`);
  if (typeof r !== "object" || r === null) throw corrupt(file, `keys[${index}] is not an object`);
  if (typeof r.id !== "string" || !ID.test(r.id)) throw bad("id");
  if (typeof r.label !== "string") throw bad("label");
  if (!KEY_ROLES.includes(r.role as KeyRole)) throw bad("role");
  if (r.communities !== null && !isStringArray(r.communities)) throw bad("communities");
  if (!isStringArray(r.merchants)) throw bad("merchants");
  if (typeof r.ratePerSecond !== "number" || !(r.ratePerSecond > 0)) throw bad("ratePerSecond");
  if (typeof r.burst !== "number" || !(r.burst >= 1)) throw bad("burst");
  if (typeof r.hash !== "string" || !HASH.test(r.hash)) throw bad("hash");
  if (typeof r.createdAt !== "string") throw bad("createdAt");
  if (r.revokedAt !== null && typeof r.revokedAt !== "string") throw bad("revokedAt");
  return r as KeyRecord;
}

/** The records in `file`; none if it does not exist; an Error naming the file if it is not a keys file. */
function readRecords(file: string): KeyRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `not JSON (${(error as Error).message})`);
  }
  const doc = data as { version?: unknown; keys?: unknown } | null;
  if (typeof doc !== "object" || doc === null || doc.version !== 1 || !Array.isArray(doc.keys)) {
    throw corrupt(file, 'expected { "version": 1, "keys": [...] }');
  }
  const records = doc.keys.map((record, index) => checkRecord(file, record, index));
  const ids = new Set(records.map((record) => record.id));
  if (ids.size !== records.length) throw corrupt(file, "two keys share an id");
  return records;
}

/** Replaces `file` with `records` atomically: a reader sees the old file or the new one, never half of one. */
function writeRecords(file: string, records: readonly KeyRecord[]): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.api-keys.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ version: 1, keys: records }, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function checkRate(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new KeyInputError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** Issues a key, stores its record, and returns the key: the only time the key exists outside the client. */
export function issueKey(file: string, options: IssueKeyOptions): { key: string; record: KeyRecord } {
  const label = typeof options.label === "string" ? options.label.trim() : "";
  if (label.length === 0 || label.length > MAX_LABEL) {
    throw new KeyInputError(`label must be 1 to ${MAX_LABEL} characters, got ${label.length}`);
  }
  const role = options.role as KeyRole;
  if (!KEY_ROLES.includes(role)) {
    throw new KeyInputError(`role must be one of ${KEY_ROLES.join(", ")}, got ${JSON.stringify(options.role)}`);
  }

  let communities: string[] | null = null;
  if (options.communities !== undefined && options.communities !== null) {
    if (options.communities.length === 0) {
      throw new KeyInputError("communities is empty: name at least one, or leave it out for every community");
    }
    for (const community of options.communities) {
      if (!COMMUNITY.test(community)) {
        throw new KeyInputError(`community id ${JSON.stringify(community)} is invalid: expected 1-32 of a-z 0-9 -`);
      }
    }
    communities = [...new Set(options.communities)];
  }

  const merchants = [...new Set((options.merchants ?? []).map((merchant) => merchant.toLowerCase()))];
  for (const merchant of options.merchants ?? []) {
    if (!ADDRESS.test(merchant)) {
      throw new KeyInputError(`merchant ${JSON.stringify(merchant)} is not an address: expected 0x and 40 hex digits`);
    }
  }
  if (role === "business" && merchants.length === 0) {
    throw new KeyInputError("a business key must name at least one merchant");
  }
  if (role === "business" && communities !== null) {
    throw new KeyInputError("a business key reads its merchants' reports only: name no communities");
  }
  if (role === "compliance" && merchants.length > 0) {
    throw new KeyInputError("a compliance key reads every merchant of its communities: name no merchants");
  }

  const ratePerSecond = checkRate("ratePerSecond", options.ratePerSecond, DEFAULT_RATE_PER_SECOND);
  const burst = checkRate("burst", options.burst, DEFAULT_BURST);
  if (burst < 1) throw new KeyInputError(`burst must be at least 1, got ${burst}`);

  const records = readRecords(file);
  const taken = new Set(records.map((record) => record.id));
  let id: string;
  do id = randomBytes(4).toString("hex");
  while (taken.has(id));
  const key = `kc_${id}_${randomBytes(32).toString("base64url")}`;
  const record: KeyRecord = {
    id,
    label,
    role,
    communities,
    merchants,
    ratePerSecond,
    burst,
    hash: hashKey(key),
    createdAt: nowIso(),
    revokedAt: null,
  };
  writeRecords(file, [...records, record]);
  return { key, record };
}

/** Revokes the key `id`; an Error if there is no such key or it is already revoked. */
export function revokeKey(file: string, id: string): KeyRecord {
  const records = readRecords(file);
  const index = records.findIndex((record) => record.id === id);
  const found = records[index];
  if (found === undefined) throw new Error(`no API key with id ${JSON.stringify(id)} in ${file}`);
  if (found.revokedAt !== null) throw new Error(`API key ${id} was already revoked at ${found.revokedAt}`);
  const revoked: KeyRecord = { ...found, revokedAt: nowIso() };
  records[index] = revoked;
  writeRecords(file, records);
  return revoked;
}

/** Every key record in `file`, revoked ones included, oldest first. */
export function listKeys(file: string): KeyRecord[] {
  return readRecords(file);
}

/** The result of checking a presented key. */
export type VerifyResult =
  { ok: true; record: KeyRecord } | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" };

/** Whether `record` may read community `communityId`. */
export function canSeeCommunity(record: KeyRecord, communityId: string): boolean {
  return record.communities === null || record.communities.includes(communityId);
}

/**
 * Whether `record` may read the merchant at `merchantAddress`, which belongs to `merchantCommunity`: a business key
 * reads the merchants it names; a compliance key every merchant of its communities.
 */
export function canReadMerchant(record: KeyRecord, merchantAddress: string, merchantCommunity: string): boolean {
  if (record.role === "business") return record.merchants.includes(merchantAddress.toLowerCase());
  return canSeeCommunity(record, merchantCommunity);
}

/** The keys of a file, for a running server: verifies presented keys and picks up changes to the file. */
export class KeyStore {
  private readonly file: string;
  private readonly now: () => number;
  private byId = new Map<string, KeyRecord>();
  /** inode:size:mtime of the file last loaded; "" when it did not exist, undefined before a good load. */
  private signature: string | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private error: Error | undefined;

  /** Loads `file` now, so a corrupt file fails at startup. `now` (ms) is the clock for the reload checks. */
  constructor(file: string, { now = Date.now }: { now?: () => number } = {}) {
    this.file = file;
    this.now = now;
    this.refresh();
  }

  /** Whether `record` may read community `communityId`. */
  static canSeeCommunity(record: KeyRecord, communityId: string): boolean {
    return canSeeCommunity(record, communityId);
  }

  /**
   * Whether `record` may read the merchant at `address`. A compliance key needs the merchant's community to decide
   * (see `canReadMerchant`); without it the answer is no.
   */
  static canSeeMerchant(record: KeyRecord, address: string, merchantCommunity?: string): boolean {
    if (record.role === "compliance" && merchantCommunity === undefined) return false;
    return canReadMerchant(record, address, merchantCommunity ?? "");
  }

  /** Checks a key as presented by a client (e.g. the Authorization header's token). */
  verify(presentedKey: string | null | undefined): VerifyResult {
    if (typeof presentedKey !== "string" || presentedKey.trim() === "") return { ok: false, reason: "missing" };
    const match = KEY.exec(presentedKey.trim());
    if (!match) return { ok: false, reason: "malformed" };
    this.refresh();
    const record = this.byId.get(match[1]!);
    if (!record) return { ok: false, reason: "unknown" };
    const presented = createHash("sha256").update(presentedKey.trim(), "utf8").digest();
    if (!timingSafeEqual(presented, Buffer.from(record.hash, "hex"))) return { ok: false, reason: "unknown" };
    // revocation is told only to the holder of the right secret
    if (record.revokedAt !== null) return { ok: false, reason: "revoked" };
    return { ok: true, record };
  }

  /** Reloads the file if it changed, looking at most once a second. A bad file throws until it is fixed. */
  private refresh(): void {
    const now = this.now();
    if (now - this.lastCheck < RELOAD_CHECK_MS) {
      if (this.error) throw this.error;
      return;
    }
    this.lastCheck = now;
    let signature = "";
    try {
      const stat = statSync(this.file);
      signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (signature === this.signature && this.error === undefined) return;
    try {
      const records = signature === "" ? [] : readRecords(this.file);
      this.byId = new Map(records.map((record) => [record.id, record]));
      this.signature = signature;
      this.error = undefined;
    } catch (error) {
      // fail closed: no key verifies until the file is readable again
      this.byId = new Map();
      this.signature = undefined;
      this.error = error as Error;
      throw error;
    }
  }
}
