/**
 * The business API's published schema: `subgraph-schema/schema.graphql` must be the printed SDL of the schema the
 * server builds (UPDATE_SUBGRAPH_SCHEMA=1 rewrites the file instead, as `npm run schema:update` does).
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { printSchema } from "graphql";
import { buildBusinessSchema } from "../../indexer/src/api/business/server";

const SCHEMA_FILE = path.resolve(__dirname, "..", "..", "subgraph-schema", "schema.graphql");

describe("business API schema", () => {
  const printed = `${printSchema(buildBusinessSchema())}\n`;

  it("equals subgraph-schema/schema.graphql", () => {
    if (process.env.UPDATE_SUBGRAPH_SCHEMA === "1") fs.writeFileSync(SCHEMA_FILE, printed);
    expect(printed, "the schema changed: run npm run schema:update and commit the file").to.equal(
      fs.readFileSync(SCHEMA_FILE, "utf8"),
    );
  });

  it("documents every type and every field of the queries", () => {
    const schema = buildBusinessSchema();
    const query = schema.getQueryType()!;
    for (const field of Object.values(query.getFields())) {
      expect(field.description, `Query.${field.name}`).to.be.a("string").with.length.greaterThan(20);
    }
    const analytics = schema.getType("Analytics") as import("graphql").GraphQLObjectType;
    for (const name of ["retention", "velocity", "gini", "localTradeShare", "averageSupply", "activeUsers"]) {
      expect(analytics.getFields()[name]!.description, name).to.match(/[=/]|share|distinct/i);
    }
  });
});
