/** The part of preact and preact-render-to-string the console uses (see preact-runtime.js for why). */
export interface VNode {
  readonly type: unknown;
  readonly props: unknown;
}
export type Child = VNode | string | number | boolean | null | undefined | readonly Child[];
export declare const Fragment: unknown;
export declare function h(
  type: unknown,
  props: Record<string, unknown> | null,
  ...children: unknown[]
): VNode;
export declare function renderToStaticMarkup(vnode: VNode): string;
