/** A view entry imported with `?view`: the build (scripts/view-bundle.mjs) turns it into one self-contained HTML page. */
declare module "*?view" {
  const html: string;
  export default html;
}
