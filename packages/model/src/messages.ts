/** A customer contact a message or survey may go to, with the zone quiet hours are judged in. */
export interface MessageContact {
  id: string;
  accountId: string;
  accountName: string;
  name: string;
  email: string;
  /** The contact's zone, else its account's. */
  timeZone: string | null;
  unsubscribed: boolean;
}

export type MessageChannel = "email" | "intercom";

export type SurveyType = "nps" | "csat";

/** One confirmed send: a message to a few contacts or a survey to many, each recipient at its own time. */
export interface OutboundMessage {
  kind: "message" | "survey";
  channel: MessageChannel;
  subject: string;
  body: string;
  surveyType?: SurveyType;
  /** `vars` fill `{{name}}` in the body for that recipient alone (a survey's signed link). */
  recipients: { contactId: string; email: string; sendAt: string; vars?: Record<string, string> }[];
}

export interface SurveyAnswer {
  surveyId: string;
  contactId: string;
  /** When given (a signed link binds them), the answer is refused unless the survey went to them. */
  accountId?: string;
  kind?: SurveyType;
  score: number;
  comment?: string | null;
}

export interface SurveyAnswerRecorded {
  id: string;
  kind: SurveyType;
  /** False when the contact had answered this survey already: the first answer stands. */
  recorded: boolean;
  respondedAt: string;
}

export interface CsatStats {
  responses: number;
  average: number | null;
  /** Share of answers 4 or 5. */
  satisfied: number | null;
}
