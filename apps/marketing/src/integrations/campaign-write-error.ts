/** A campaign write the source refuses (the sandbox or HubSpot), naming the field and the fix. */
export class CampaignWriteError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "CampaignWriteError";
  }
}
