import type { MaybeStale } from "@revops/resilience";
import { guardedClient, type HubSpotConnection, type HubSpotSdk } from "./client";
import type { Page } from "./operations";

/**
 * HubSpot marketing forms: the form definitions through the SDK's Forms v3 API (`GET /marketing/v3/forms`) and
 * each form's submissions through the Form Integrations API (`GET /form-integrations/v1/submissions/forms/{id}`,
 * which the SDK has no API for), both paged with `after` and read through the stale cache.
 */

export interface HubSpotForm {
  id: string;
  name: string;
  formType: string;
  createdAt: string;
  archived: boolean;
}

export interface HubSpotFormSubmission {
  conversionId: string;
  /** Epoch milliseconds, as HubSpot sends it. */
  submittedAt: number;
  pageUrl?: string;
}

/** Forms per page of GET /marketing/v3/forms, and submissions per page (HubSpot's maximum for each: 50). */
export const HUBSPOT_FORMS_PAGE = 50;

export interface HubSpotFormsConnector {
  /** One page of non-archived forms of every type. */
  formsPage(after?: string): Promise<MaybeStale<Page<HubSpotForm>>>;
  /** One page of a form's submissions, newest first. */
  submissionsPage(formId: string, after?: string): Promise<MaybeStale<Page<HubSpotFormSubmission>>>;
}

/** Built and its forms API taken in one synchronous step (the SDK's decorators are process-wide; see lists.ts). */
export function createHubSpotForms(sdk: HubSpotSdk, connection: HubSpotConnection): HubSpotFormsConnector {
  const { runtime, get } = sdk;
  const forms = guardedClient(sdk, connection).marketing.forms;
  return {
    formsPage: (after) =>
      runtime.read(`forms:${after ?? ""}`, async () => {
        const { value } = await runtime.attempt("forms.list", () =>
          forms.formsApi.getPage(after, HUBSPOT_FORMS_PAGE, false, ["all"]),
        );
        const next = value.paging?.next?.after;
        return {
          results: value.results.map((f) => ({
            id: String(f.id),
            name: String(f.name ?? ""),
            formType: String(f.formType ?? ""),
            createdAt: new Date(f.createdAt).toISOString(),
            archived: Boolean(f.archived),
          })),
          ...(next ? { nextCursor: next } : {}),
        };
      }),
    submissionsPage: (formId, after) =>
      runtime.read(`form.submissions:${formId}:${after ?? ""}`, async () => {
        const { value } = await runtime.attempt("forms.submissions", () =>
          get<{
            results: { conversionId?: string; submittedAt: number; pageUrl?: string }[];
            paging?: { next?: { after?: string } };
          }>(`/form-integrations/v1/submissions/forms/${encodeURIComponent(formId)}`, {
            limit: String(HUBSPOT_FORMS_PAGE),
            after,
          }),
        );
        const next = value.paging?.next?.after;
        return {
          results: value.results.map((s) => ({
            conversionId: String(s.conversionId ?? ""),
            submittedAt: Number(s.submittedAt),
            ...(s.pageUrl ? { pageUrl: s.pageUrl } : {}),
          })),
          ...(next ? { nextCursor: next } : {}),
        };
      }),
  };
}
