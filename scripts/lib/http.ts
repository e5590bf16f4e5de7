/** One JSON-RPC call; rejects with the node's message on an error answer. */
export async function jsonRpc<T>(
  url: string,
  method: string,
  params: unknown[] = [],
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    ...(timeoutMs !== undefined && { signal: AbortSignal.timeout(timeoutMs) }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** True once a JSON-RPC endpoint answers eth_chainId. */
export async function rpcReady(url: string): Promise<boolean> {
  await jsonRpc<string>(url, "eth_chainId");
  return true;
}

/** POSTs a GraphQL query; rejects on an HTTP error or a GraphQL error, with its message. */
export async function graphql<T = Record<string, unknown>>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(`GraphQL ${response.status}: ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`);
  }
  return body.data;
}
