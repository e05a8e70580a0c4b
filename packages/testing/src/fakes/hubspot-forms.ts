/**
 * HubSpot marketing forms for the HubSpot fake, as the public reference and @hubspot/api-client 14's forms
 * models define them: GET /marketing/v3/forms (Forms v3: form definitions, `after` paging, at most 50 per page,
 * archived ones only with `archived=true`) and GET /form-integrations/v1/submissions/forms/{formGuid} (a form's
 * submissions, newest first, `submittedAt` in epoch milliseconds, `after` paging, at most 50 per page).
 */
import { type FakeRequest, json, type Reply } from "./http-fake";
import type { HubSpotState } from "./hubspot";

export interface HubSpotFormSeed {
  name: string;
  /** ISO; default a fixed time. */
  createdAt?: string;
  archived?: boolean;
  /** Submission instants (ISO), any order. */
  submissions?: { at: string; pageUrl?: string }[];
}

interface FakeForm {
  id: string;
  name: string;
  createdAt: string;
  archived: boolean;
  submissions: { conversionId: string; submittedAt: number; pageUrl?: string }[];
}

const FIXED_TIME = "2025-01-15T10:00:00.000Z";
const MAX_PAGE = 50;
const formsOf = new WeakMap<HubSpotState, FakeForm[]>();

/** The forms part of a HubSpot fake's state (created empty on first use). */
export function hubspotForms(state: HubSpotState): FakeForm[] {
  let forms = formsOf.get(state);
  if (!forms) {
    forms = [];
    formsOf.set(state, forms);
  }
  return forms;
}

/** Adds forms to a running fake's state; returns their GUIDs in seed order. */
export function seedHubSpotForms(state: HubSpotState, seeds: HubSpotFormSeed[]): string[] {
  const forms = hubspotForms(state);
  return seeds.map((seed) => {
    const n = forms.length + 1;
    const id = `0b5c${String(n).padStart(4, "0")}-7c1e-4d2a-9f00-${String(n).padStart(12, "0")}`;
    const submissions = (seed.submissions ?? [])
      .map((s, i) => ({
        conversionId: `${id.slice(0, 8)}-conv-${i + 1}`,
        submittedAt: Date.parse(s.at),
        ...(s.pageUrl ? { pageUrl: s.pageUrl } : {}),
      }))
      .sort((a, b) => b.submittedAt - a.submittedAt);
    forms.push({
      id,
      name: seed.name,
      createdAt: seed.createdAt ?? FIXED_TIME,
      archived: seed.archived ?? false,
      submissions,
    });
    return id;
  });
}

/** The definition as Forms v3 returns it (fields the SDK's HubSpotFormDefinition model reads). */
const definition = (f: FakeForm) => ({
  formType: "hubspot",
  id: f.id,
  name: f.name,
  createdAt: f.createdAt,
  updatedAt: f.createdAt,
  archived: f.archived,
  fieldGroups: [
    {
      groupType: "default_group",
      richTextType: "text",
      fields: [
        {
          objectTypeId: "0-1",
          name: "email",
          label: "Email",
          required: true,
          hidden: false,
          fieldType: "email",
          validation: { blockedEmailDomains: [], useDefaultBlockList: false },
        },
      ],
    },
  ],
  configuration: {
    language: "en",
    cloneable: true,
    postSubmitAction: { type: "thank_you", value: "Thanks for submitting the form." },
    editable: true,
    archivable: true,
    recaptchaEnabled: false,
    notifyContactOwner: false,
    notifyRecipients: [],
    createNewContactForNewEmail: false,
    prePopulateKnownValues: true,
    allowLinkToResetKnownValues: false,
    lifecycleStages: [],
  },
  displayOptions: {
    renderRawHtml: false,
    theme: "default_style",
    submitButtonText: "Submit",
    style: {},
  },
  legalConsentOptions: { type: "none" },
});

/** One page of `items` after the opaque cursor (an offset), with HubSpot's paging object. */
function paged<T>(items: T[], req: FakeRequest, link: string) {
  const limit = Math.min(Math.max(1, Number(req.query.get("limit") ?? 20) || 20), MAX_PAGE);
  const start = Number(req.query.get("after") ?? 0) || 0;
  const end = start + limit;
  return {
    results: items.slice(start, end),
    ...(end < items.length ? { paging: { next: { after: String(end), link: `${link}?after=${end}` } } } : {}),
  };
}

const notFound = (message: string): Reply =>
  json(404, { status: "error", message, correlationId: "fake-forms", category: "OBJECT_NOT_FOUND" });

/** Routes /marketing/v3/forms and /form-integrations/v1/submissions/forms/{guid}; undefined for other paths. */
export function formsRoute(state: HubSpotState, req: FakeRequest, link: string): Reply | undefined {
  if (req.method !== "GET") return undefined;
  const forms = hubspotForms(state);
  if (req.path === "/marketing/v3/forms" || req.path === "/marketing/v3/forms/") {
    const archived = req.query.get("archived") === "true";
    return json(200, paged(forms.filter((f) => f.archived === archived).map(definition), req, link));
  }
  const sub = req.path.match(/^\/form-integrations\/v1\/submissions\/forms\/([^/]+)$/);
  if (!sub) return undefined;
  const form = forms.find((f) => f.id === decodeURIComponent(sub[1] as string));
  if (!form) return notFound(`Form ${sub[1]} not found`);
  return json(
    200,
    paged(
      form.submissions.map((s) => ({
        ...s,
        values: [{ name: "email", value: `visitor+${s.conversionId}@example.com` }],
      })),
      req,
      link,
    ),
  );
}
