/**
 * The HTTP face: Ponder's GraphQL over the tables (filters, ordering, cursor pagination), at /graphql and at /.
 * GET opens GraphiQL; POST answers queries. /ready, /status, /health and /metrics are Ponder's own.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";

const app = new Hono();
const api = graphql({ db, schema });

app.use("/graphql", api);
app.use("/", api);

export default app;
