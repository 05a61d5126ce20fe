// The shared matchers (test/support/matchers.ts) fail where a bare check would pass unseen.
import { describe, expect, it } from "vitest";

describe("toAllSatisfy", () => {
  it("fails on an empty list, names the first element that does not satisfy, passes otherwise", () => {
    expect(() => expect([]).toAllSatisfy(() => true)).toThrow(/non-empty list/);
    expect(() => expect([2, 4, 5, 6]).toAllSatisfy((x) => x % 2 === 0)).toThrow(/element 2 of 4 does not satisfy the predicate: 5/);
    expect([2, 4]).toAllSatisfy((x) => x % 2 === 0);
  });
});
