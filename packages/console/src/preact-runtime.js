// Plain JS on purpose: preact's own typings add `/// <reference lib="dom" />`, which would leak DOM globals into
// every server package that imports the console. preact-runtime.d.ts types the little we use.
export { Fragment, h } from "preact";
export { renderToStaticMarkup } from "preact-render-to-string";
