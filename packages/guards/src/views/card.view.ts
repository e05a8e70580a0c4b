// @title Confirm a plan
import { App, html } from "@revops/kit/view";
import type { CardOffer } from "../card";

/**
 * The confirmation card: shows the exact plan a guarded call would run and, for a low-risk plan, Approve and
 * Cancel. The decision goes to plan_approve with the single-use secret from the result's `_meta`; the model never
 * sees it. Every text is set as text (plans carry names and messages from outside).
 */
const root = document.getElementById("view") ?? document.body;
const app = new App({ name: "confirm", version: "1.0.0" });

const textOf = (r: { content?: { type: string; text?: string }[] }) =>
  r.content?.flatMap((c) => (c.type === "text" && c.text ? [c.text] : [])).join("\n") ?? "";

function decided(status: HTMLElement, buttons: HTMLButtonElement[], offer: CardOffer) {
  return async (decision: "approve" | "cancel") => {
    for (const b of buttons) b.disabled = true;
    status.textContent = decision === "approve" ? "Running the plan…" : "Cancelling…";
    try {
      const r = await app.callServerTool({
        name: offer.approve_tool,
        arguments: { tool: offer.tool, arguments: offer.arguments, secret: offer.secret, decision },
      });
      status.className = r.isError ? "error" : "";
      status.textContent = textOf(r) || (r.isError ? "Not executed." : "Done.");
    } catch (err) {
      status.className = "error";
      status.textContent = `The decision could not be sent: ${String(err)}`;
    }
  };
}

function card(offer: CardOffer): Node[] {
  const status = html("p", "muted", `Until ${offer.expires_at}. Nothing runs unless you approve.`);
  status.setAttribute("role", "status");
  const approve = html("button", "", "Approve") as HTMLButtonElement;
  const cancel = html("button", "", "Cancel") as HTMLButtonElement;
  approve.dataset.action = "approve";
  cancel.dataset.action = "cancel";
  const decide = decided(status, [approve, cancel], offer);
  approve.addEventListener("click", () => void decide("approve"));
  cancel.addEventListener("click", () => void decide("cancel"));
  const plan = html("pre", "", JSON.stringify(offer.plan, null, 2));
  plan.dataset.planHash = offer.plan_hash;
  return [
    html("h2", "", `Confirm: ${offer.summary}`),
    html("p", "muted", `${offer.tool} will run exactly this plan, once:`),
    plan,
    html("p", "", approve, " ", cancel),
    status,
  ];
}

app.ontoolresult = (result) => {
  const offer = (result._meta as Record<string, unknown> | undefined)?.["revops/confirm"] as
    | CardOffer
    | undefined;
  // a result without a pending plan (executed, refused, queued for approval): its text, and no buttons
  root.replaceChildren(
    ...(offer ? card(offer) : [html("p", result.isError ? "error" : "muted", textOf(result) || "Done.")]),
  );
};
void app.connect();
