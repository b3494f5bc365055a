/**
 * ISCED-F 2013 fields of education and training (UNESCO Institute for Statistics).
 *
 * Codes are hierarchical by prefix: a 2-digit broad field ('06'), a 3-digit narrow field ('061') and a
 * 4-digit detailed field ('0613'). Accreditations name the fields they cover; units name their field. The
 * prefix structure is what lets an accreditation for a broad field cover every unit in its sub-fields.
 */

/** The scope entry that covers every field (an accreditation not limited by subject). */
export const ALL_FIELDS = "*";

/** The ISCED-F 2013 broad fields, 00 to 10 (99, "field unknown", is a statistical code, not a subject). */
export const ISCED_BROAD_FIELDS: Readonly<Record<string, string>> = {
  "00": "Generic programmes and qualifications",
  "01": "Education",
  "02": "Arts and humanities",
  "03": "Social sciences, journalism and information",
  "04": "Business, administration and law",
  "05": "Natural sciences, mathematics and statistics",
  "06": "Information and Communication Technologies (ICTs)",
  "07": "Engineering, manufacturing and construction",
  "08": "Agriculture, forestry, fisheries and veterinary",
  "09": "Health and welfare",
  "10": "Services",
};

/**
 * Narrow fields, and the detailed fields most used in micro-credentials. The table is deliberately not the
 * full classification: only names we are certain of are listed, and an unlisted code falls back to the
 * name of its broader field (see `fieldName`), which is never wrong, only less precise.
 */
export const ISCED_FIELD_NAMES: Readonly<Record<string, string>> = {
  ...ISCED_BROAD_FIELDS,
  "001": "Basic programmes and qualifications",
  "002": "Literacy and numeracy",
  "003": "Personal skills and development",
  "011": "Education",
  "021": "Arts",
  "022": "Humanities (except languages)",
  "023": "Languages",
  "031": "Social and behavioural sciences",
  "032": "Journalism and information",
  "041": "Business and administration",
  "042": "Law",
  "051": "Biological and related sciences",
  "052": "Environment",
  "053": "Physical sciences",
  "054": "Mathematics and statistics",
  "061": "Information and Communication Technologies (ICTs)",
  "071": "Engineering and engineering trades",
  "072": "Manufacturing and processing",
  "073": "Architecture and construction",
  "081": "Agriculture",
  "082": "Forestry",
  "083": "Fisheries",
  "084": "Veterinary",
  "091": "Health",
  "092": "Welfare",
  "101": "Personal services",
  "102": "Hygiene and occupational health services",
  "103": "Security services",
  "104": "Transport services",
  "0311": "Economics",
  "0312": "Political sciences and civics",
  "0313": "Psychology",
  "0314": "Sociology and cultural studies",
  "0411": "Accounting and taxation",
  "0412": "Finance, banking and insurance",
  "0413": "Management and administration",
  "0414": "Marketing and advertising",
  "0415": "Secretarial and office work",
  "0416": "Wholesale and retail sales",
  "0417": "Work skills",
  "0421": "Law",
  "0541": "Mathematics",
  "0542": "Statistics",
  "0611": "Computer use",
  "0612": "Database and network design and administration",
  "0613": "Software and applications development and analysis",
};

const FIELD_CODE = /^[0-9]{2,4}$/;

/** Whether a string has the shape of an ISCED-F field code (2, 3 or 4 digits). */
export function isFieldCode(code: string): boolean {
  return FIELD_CODE.test(code);
}

/** The broad field (first two digits) a code belongs to, or undefined for a malformed code. */
export function broadFieldOf(code: string): string | undefined {
  return isFieldCode(code) ? code.slice(0, 2) : undefined;
}

/**
 * Whether a field falls within a scope. '*' covers everything; otherwise a scope entry covers the field
 * when it is a prefix of it, so a broad code covers its narrower codes but never the other way round
 * (an accreditation for software development says nothing about ICT as a whole).
 */
export function fieldInScope(scope: readonly string[], field: string): boolean {
  // An empty entry would be a prefix of everything; it is malformed data, not a wildcard, so it covers nothing.
  return scope.some((entry) => entry === ALL_FIELDS || (entry !== "" && field.startsWith(entry)));
}

/**
 * The English name of a field code: its own name when listed, otherwise the name of the nearest broader
 * code we know (a detailed code we do not list is still named by its narrow or broad field). Undefined
 * when not even the broad field is known.
 */
export function fieldName(code: string): string | undefined {
  if (!isFieldCode(code)) return undefined;
  for (let length = code.length; length >= 2; length--) {
    const name = ISCED_FIELD_NAMES[code.slice(0, length)];
    if (name !== undefined) return name;
  }
  return undefined;
}
