export { expectAccessible, launchChromium } from "./a11y";
export { CHROMIUM, chromiumPresent, openViewHost, type ViewHost } from "./view-host";
export {
  describeViewsE2E,
  expectSelfContainedView,
  readViewHtml,
  VIEW_EXTENSION_ID,
  VIEW_MIME_TYPE,
} from "./views-e2e";
