/** Word lists for plausible (fictional) names. */

function words(s: string): readonly string[] {
  return s.split(" ");
}

export const COMPANY_ROOTS: readonly string[] = words(
  "Acme Apex Aster Atlas Aurora Beacon Birch Blue Bright Brook Cedar Cinder Clear Cobalt Copper " +
    "Coral Crest Crimson Delta Drift Eagle Echo Ember Evergreen Falcon Fern Flint Forge Fox Frontier " +
    "Gable Garnet Glacier Golden Granite Grove Harbor Hawk Helix Highland Horizon Indigo Iron Ivy " +
    "Jade Juniper Keystone Kestrel Lake Lantern Laurel Lumen Maple Marble Meadow Meridian Mesa Mint " +
    "Nimbus Noble North Oak Onyx Orbit Orchid Pacific Peak Pine Pioneer Polar Prairie Quarry Quartz " +
    "Radiant Raven Redwood Ridge River Sable Saffron Sage Sequoia Silver Sky Slate Solstice Spruce " +
    "Stone Summit Swift Tidal Timber Topaz Trail Union Vale Vector Velvet Vista Willow Zenith Zephyr",
);

export const COMPANY_STEMS: readonly string[] = words(
  "bridge field point wave works path stack line gate light mark forge base wise craft scale flow " +
    "sight shore hill stone wood vale port view core leaf loop peak spring star ware yard bay crest " +
    "dale fold haven ledger mint",
);

export const COMPANY_FORMS = [
  "",
  "",
  "",
  " Inc",
  " Labs",
  " Group",
  " Systems",
  " Technologies",
  " Partners",
  " Co",
  " Holdings",
  " Solutions",
  " Industries",
  " Networks",
  " Logistics",
  " Health",
  " Capital",
  " Studio",
  " Software",
  " Analytics",
] as const;

export const INDUSTRIES = [
  "Software",
  "Financial Services",
  "Healthcare",
  "Retail & E-commerce",
  "Manufacturing",
  "Media & Entertainment",
  "Education",
  "Logistics & Transportation",
  "Professional Services",
  "Telecommunications",
] as const;

export const REGIONS = ["NA", "EMEA", "APAC", "LATAM"] as const;
export type Region = (typeof REGIONS)[number];

/** [country, IANA timezone, phone prefix, domain TLD, weight] per region. */
export const COUNTRIES: Record<Region, readonly (readonly [string, string, string, string, number])[]> = {
  NA: [
    ["United States", "America/New_York", "+1", "com", 30],
    ["United States", "America/Chicago", "+1", "com", 18],
    ["United States", "America/Denver", "+1", "com", 8],
    ["United States", "America/Los_Angeles", "+1", "com", 26],
    ["Canada", "America/Toronto", "+1", "ca", 12],
    ["Canada", "America/Vancouver", "+1", "ca", 6],
  ],
  EMEA: [
    ["United Kingdom", "Europe/London", "+44", "co.uk", 30],
    ["Germany", "Europe/Berlin", "+49", "de", 22],
    ["France", "Europe/Paris", "+33", "fr", 15],
    ["Netherlands", "Europe/Amsterdam", "+31", "nl", 10],
    ["Sweden", "Europe/Stockholm", "+46", "se", 7],
    ["Spain", "Europe/Madrid", "+34", "es", 8],
    ["United Arab Emirates", "Asia/Dubai", "+971", "ae", 4],
    ["South Africa", "Africa/Johannesburg", "+27", "co.za", 4],
  ],
  APAC: [
    ["Australia", "Australia/Sydney", "+61", "com.au", 30],
    ["Singapore", "Asia/Singapore", "+65", "sg", 20],
    ["Japan", "Asia/Tokyo", "+81", "jp", 20],
    ["India", "Asia/Kolkata", "+91", "in", 20],
    ["New Zealand", "Pacific/Auckland", "+64", "co.nz", 10],
  ],
  LATAM: [
    ["Brazil", "America/Sao_Paulo", "+55", "com.br", 45],
    ["Mexico", "America/Mexico_City", "+52", "mx", 30],
    ["Argentina", "America/Argentina/Buenos_Aires", "+54", "ar", 15],
    ["Chile", "America/Santiago", "+56", "cl", 10],
  ],
};

/** Typical UTC offset (hours) of a region, used to put activity times into local business hours. */
export const REGION_UTC_OFFSET: Record<Region, number> = { NA: -6, EMEA: 1, APAC: 8, LATAM: -3 };

export const FIRST_NAMES: readonly string[] = words(
  "Aisha Alex Amara Ana Andre Anika Ben Camila Carlos Chloe Daniel Dev Diego Elena Emeka Emma Ethan " +
    "Fatima Felix Gabriel Grace Hana Hannah Hiro Isabel Ivan Jack James Jin Jonas Julia Kai Kamal " +
    "Kate Kenji Laila Lars Leo Liam Lucia Lukas Maria Mateo Mei Mia Mohammed Nadia Naomi Nikhil Noah " +
    "Nora Olivia Omar Oscar Paula Pedro Ravi Rosa Ryan Sakura Samuel Sara Sean Sofia Sven Tariq " +
    "Thomas Valentina Victor Wei Yara Yusuf Zoe Adam Bianca Chen Dina Erik Farah Greta Hugo Ines " +
    "Jorge Karin Lena Marco Nina Owen Priya Quinn Rahul Simone Tom Uma Vera Will Xin Yuki Zara",
);

export const LAST_NAMES: readonly string[] = words(
  "Abbott Adeyemi Alvarez Andersson Bakker Banerjee Bauer Becker Bennett Brooks Campbell Castillo " +
    "Chen Costa Cruz Dubois Evans Fernandes Fischer Foster Garcia Gonzalez Gupta Hansen Hayes Hughes " +
    "Ito Jansen Jensen Johnson Kapoor Kim Kowalski Kumar Larsen Laurent Lee Lopez Martin Meyer Miller " +
    "Moreau Morales Muller Murphy Nakamura Nguyen Novak Okafor Oliveira Ortiz Park Patel Perez Petrov " +
    "Quinn Ramirez Reddy Reyes Richter Rossi Sanchez Santos Sato Schmidt Schneider Shah Silva Singh " +
    "Smith Sousa Suzuki Tanaka Taylor Thompson Torres Turner Vargas Walker Wang Weber Williams Wilson " +
    "Wong Wright Yamamoto Young Zhang Ziegler Ali Berg Dahl Eze Ferrari Haddad Ivanova Khan Lindqvist " +
    "Mensah",
);

/** [title, seniority rank (1 = most senior), weight]. */
export const TITLES = [
  ["Chief Executive Officer", 1, 2],
  ["Chief Revenue Officer", 1, 2],
  ["Chief Financial Officer", 1, 2],
  ["VP of Sales", 2, 4],
  ["VP of Marketing", 2, 3],
  ["VP of Customer Success", 2, 3],
  ["Head of Data", 2, 3],
  ["Director of Revenue Operations", 3, 5],
  ["Director of Analytics", 3, 5],
  ["Director of IT", 3, 3],
  ["Sales Operations Manager", 4, 8],
  ["Marketing Operations Manager", 4, 7],
  ["Data Analyst", 5, 10],
  ["Business Analyst", 5, 8],
  ["Account Manager", 5, 6],
  ["Customer Success Manager", 5, 6],
  ["Software Engineer", 5, 6],
  ["Procurement Specialist", 5, 3],
] as const;

/** The selling team of Northwind Analytics: [id, name, role, region, team]. */
export const SALES_REPS = [
  ["usr_01", "Maya Chen", "sales_manager", "NA", "NA Enterprise"],
  ["usr_02", "Jordan Brooks", "account_executive", "NA", "NA Enterprise"],
  ["usr_03", "Priya Natarajan", "account_executive", "NA", "NA Mid-Market"],
  ["usr_04", "Marcus Reed", "account_executive", "NA", "NA Mid-Market"],
  ["usr_05", "Elena Alvarez", "account_executive", "NA", "NA Mid-Market"],
  ["usr_06", "Oliver Hart", "sales_manager", "EMEA", "EMEA"],
  ["usr_07", "Sophie Laurent", "account_executive", "EMEA", "EMEA"],
  ["usr_08", "Lukas Weber", "account_executive", "EMEA", "EMEA"],
  ["usr_09", "Amara Okafor", "account_executive", "EMEA", "EMEA"],
  ["usr_10", "Kenji Sato", "account_executive", "APAC", "APAC"],
  ["usr_11", "Grace Lim", "account_executive", "APAC", "APAC"],
  ["usr_12", "Rafael Costa", "account_executive", "LATAM", "LATAM"],
] as const;

export const COMPANY_NAME = "Northwind Analytics";
export const COMPANY_DOMAIN = "northwind-analytics.com";

export function emailLocal(first: string, last: string): string {
  return `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "");
}
