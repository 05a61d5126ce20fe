// Matchers every vitest file gets (vitest.config.ts setupFiles).
//   expect(list).toAllSatisfy(pred): every element satisfies pred, and the list is not empty (a
//   check over an empty list passes without checking anything, so it fails here instead).
import { expect } from "vitest";

/** The element type of an array type (any for any). */
// biome-ignore lint/suspicious/noExplicitAny: an untyped list (parsed JSON) has untyped elements
type Element<T> = 0 extends 1 & T ? any : T extends readonly (infer E)[] ? E : never;

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration uses any
  interface Assertion<T = any> {
    toAllSatisfy(pred: (x: Element<T>, i: number) => unknown): void;
  }
}

expect.extend({
  toAllSatisfy(received: unknown, pred: (x: unknown, i: number) => unknown) {
    if (!Array.isArray(received)) return { pass: false, message: () => `expected an array, got ${this.utils.printReceived(received)}` };
    if (received.length === 0) return { pass: false, message: () => "expected a non-empty list: an empty one checks nothing" };
    const bad = received.findIndex((x, i) => !pred(x, i));
    return {
      pass: bad < 0,
      message: () =>
        bad < 0
          ? `expected some of the ${received.length} elements not to satisfy the predicate`
          : `element ${bad} of ${received.length} does not satisfy the predicate: ${this.utils.stringify(received[bad])}`,
    };
  },
});
