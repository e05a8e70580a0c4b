import htm from "htm";
import { Fragment, h, renderToStaticMarkup, type VNode } from "./preact-runtime.js";

/** Tagged templates that build a virtual DOM: every interpolated value is text or an attribute, escaped on output. */
export const html = htm.bind(h);
export type Node = VNode | VNode[] | string | null | undefined | false;

/** A whole document; the only markup that is not built from escaped nodes is the doctype. */
export function renderPage(node: Node): string {
  return `<!doctype html>${renderToStaticMarkup(h(Fragment, null, node))}`;
}
