import { describe, expect, it } from "vitest";
import { EncodedLists } from "./encoded-lists";

const tools = [
  { name: "a", inputSchema: { type: "object" } },
  { name: "b", title: 'quote " and \u00e9' },
];

describe("EncodedLists", () => {
  it("serves a page whose answer, once spliced, is the JSON the plain page would give", () => {
    const lists = new EncodedLists();
    const page = lists.page("k", () => ({ items: tools, nextCursor: "c" }));
    const answer = { jsonrpc: "2.0", id: 7, result: { tools: page.items, nextCursor: page.nextCursor } };
    const wire = Buffer.from(JSON.stringify(answer));
    expect(wire.length).toBeLessThan(JSON.stringify(tools).length + 60);
    const spliced = lists.splice(wire);
    expect(JSON.parse(String(spliced))).toEqual({ ...answer, result: { tools, nextCursor: "c" } });
    // the stand-in is the page itself to whatever reads it before serialisation
    expect(page.items).toEqual(tools);
    expect(Array.isArray(page.items)).toBe(true);
  });

  it("builds a page once per key and splices a chunk of an event stream the same way", () => {
    const lists = new EncodedLists();
    let built = 0;
    const build = () => {
      built++;
      return { items: tools, nextCursor: undefined };
    };
    const first = lists.page("k", build);
    expect(lists.page("k", build)).toBe(first);
    expect(built).toBe(1);
    const frame = new TextEncoder().encode(
      `event: message\ndata: ${JSON.stringify({ tools: first.items })}\n\n`,
    );
    expect(String(lists.splice(frame))).toBe(`event: message\ndata: ${JSON.stringify({ tools })}\n\n`);
  });

  it("leaves bodies without a marker, or with another process's marker, alone", () => {
    const lists = new EncodedLists();
    const other = new EncodedLists();
    const foreign = Buffer.from(
      JSON.stringify({ tools: other.page("k", () => ({ items: tools, nextCursor: undefined })).items }),
    );
    expect(lists.splice(Buffer.from('{"result":{"tools":[]}}'))).toBeUndefined();
    expect(lists.splice(foreign)).toBeUndefined();
  });

  it("stops keeping pages past its cap and serves the plain page instead", () => {
    const lists = new EncodedLists();
    for (let i = 0; i < 32; i++) lists.page(`k${i}`, () => ({ items: tools, nextCursor: undefined }));
    const plain = lists.page("one more", () => ({ items: tools, nextCursor: undefined }));
    expect(JSON.stringify(plain.items)).toBe(JSON.stringify(tools));
  });
});
