/**
 * The reference data a new bank ships with: the European Qualifications Framework and the common
 * credit systems. `npm start` on an empty database loads `DEFAULT_CATALOGUE`, so a registry admin can
 * describe units straight away; national frameworks and other systems are added later as data.
 *
 * The EQF level descriptors below are short paraphrases written for this project, not the legal
 * wording of the Recommendation: the official text belongs in a user-facing display only with its
 * source acknowledged, and a paraphrase keeps this file free of copied text. A test checks that the
 * levels match the reference facts in the shared standards collection without copying them.
 */
import type { CatalogueBundle, CreditSystem, Framework } from "./schema/catalogue.ts";

export const EQF: Framework = {
  id: "eqf",
  name: "European Qualifications Framework",
  shortName: "EQF",
  jurisdiction: "European Union",
  description:
    "The eight-level reference framework for lifelong learning that national qualifications frameworks " +
    "are referenced to. Each level is described by what a learner knows, what they can do, and how much " +
    "responsibility and autonomy they exercise; a level includes everything described at the levels " +
    "below it. The descriptors here are paraphrases; the authoritative wording is in Council " +
    "Recommendation of 22 May 2017 on the European Qualifications Framework for lifelong learning " +
    "(2017/C 189/03), Annex II, OJ C 189, 15.6.2017, p. 15-28.",
  url: "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32017H0615(01)",
  levels: [
    {
      code: "1",
      ordinal: 1,
      title: "EQF level 1",
      knowledge: "General knowledge at an elementary level.",
      skills: "Elementary skills needed to carry out simple tasks.",
      responsibilityAutonomy: "Works or learns under close, direct supervision in a well-structured setting.",
    },
    {
      code: "2",
      ordinal: 2,
      title: "EQF level 2",
      knowledge: "Elementary factual knowledge of an area of work or study.",
      skills:
        "Elementary practical and cognitive skills for using relevant information, doing tasks and " +
        "solving routine problems by applying simple rules and tools.",
      responsibilityAutonomy: "Works or learns under supervision with a degree of independence.",
    },
    {
      code: "3",
      ordinal: 3,
      title: "EQF level 3",
      knowledge: "Knows the facts, principles, processes and general concepts of an area of work or study.",
      skills:
        "A range of practical and cognitive skills for doing tasks and solving problems by selecting " +
        "and using basic methods, tools, materials and information.",
      responsibilityAutonomy:
        "Is responsible for getting tasks done and adjusts own behaviour to the situation when solving problems.",
    },
    {
      code: "4",
      ordinal: 4,
      title: "EQF level 4",
      knowledge: "Factual and theoretical knowledge across broad contexts of an area of work or study.",
      skills: "A range of practical and cognitive skills for producing solutions to specific problems in the area.",
      responsibilityAutonomy:
        "Manages own work within guidelines where contexts are usually predictable but can change; " +
        "oversees the routine work of others and shares responsibility for assessing and improving " +
        "work or study activities.",
    },
    {
      code: "5",
      ordinal: 5,
      title: "EQF level 5",
      knowledge:
        "Broad, specialised factual and theoretical knowledge of an area, including a sense of the " +
        "limits of that knowledge.",
      skills: "A broad range of practical and cognitive skills for devising creative solutions to abstract problems.",
      responsibilityAutonomy:
        "Leads and oversees work or study where the context changes unpredictably; reviews and " +
        "develops the performance of self and others.",
    },
    {
      code: "6",
      ordinal: 6,
      title: "EQF level 6",
      knowledge: "Advanced knowledge of an area, with a critical grasp of its theories and principles.",
      skills:
        "Advanced skills that show mastery and innovation, as required to solve complex, unpredictable " +
        "problems in a specialised area.",
      responsibilityAutonomy:
        "Runs complex technical or professional activities or projects, makes decisions in " +
        "unpredictable contexts, and is accountable for the professional development of individuals and groups.",
    },
    {
      code: "7",
      ordinal: 7,
      title: "EQF level 7",
      knowledge:
        "Highly specialised knowledge, some of it at the leading edge of the area, that supports " +
        "original thinking or research; a critical awareness of questions of knowledge within an area " +
        "and where areas meet.",
      skills:
        "Specialised problem-solving skills used in research or innovation to create new knowledge and " +
        "procedures and to combine knowledge from different areas.",
      responsibilityAutonomy:
        "Leads and reshapes complex, unpredictable work or study contexts that call for new strategic " +
        "approaches; accountable for adding to professional knowledge and practice or for reviewing " +
        "the strategic performance of teams.",
    },
    {
      code: "8",
      ordinal: 8,
      title: "EQF level 8",
      knowledge: "Knowledge at the very frontier of an area and where areas meet.",
      skills:
        "The most advanced, specialised skills and techniques, synthesis and evaluation among them, for " +
        "solving critical problems in research or innovation and for extending or redefining existing " +
        "knowledge or professional practice.",
      responsibilityAutonomy:
        "Demonstrates substantial authority, innovation, independence, scholarly and professional " +
        "integrity, and lasting commitment to developing new ideas or processes at the leading edge of " +
        "work or study, research included.",
    },
  ],
};

/**
 * Credit systems in common use. `hoursPerCredit` is the notional learning time one credit stands for;
 * it is a range because the defining texts give one (ECTS, US) and because the coherence check should
 * accept any value a system's own rules accept.
 */
export const CREDIT_SYSTEMS: CreditSystem[] = [
  {
    id: "ects",
    name: "European Credit Transfer and Accumulation System",
    description:
      "60 ECTS credits stand for the workload of one full-time academic year, usually 1,500 to 1,800 hours " +
      "of student work, so one credit is 25 to 30 hours (ECTS Users' Guide 2015).",
    hoursPerCredit: { min: 25, max: 30 },
  },
  {
    id: "us-credit-hour",
    name: "US semester credit hour",
    description:
      "One semester credit hour is about one hour of class a week over a semester of about 15 weeks " +
      "(15 contact hours) plus about twice that in work outside class, i.e. 37.5 hours (counting " +
      "50-minute class hours) to 45 hours of total learner work (US federal definition, 34 CFR 600.2).",
    hoursPerCredit: { min: 37.5, max: 45 },
  },
  {
    id: "nz-credit",
    name: "New Zealand credit",
    description:
      "On the New Zealand Qualifications and Credentials Framework one credit is 10 notional learning " +
      "hours; 120 credits are a full-time year.",
    hoursPerCredit: { min: 10, max: 10 },
  },
  {
    id: "uk-cats",
    name: "UK CATS credit",
    description:
      "Under the UK Credit Accumulation and Transfer Scheme one credit is 10 notional hours of learning; " +
      "120 credits are a full-time year (1 ECTS credit is usually taken as 2 CATS credits).",
    hoursPerCredit: { min: 10, max: 10 },
  },
  {
    id: "cpd-point",
    name: "Continuing professional development point",
    description:
      "One CPD point (or CPD hour) is one hour of structured professional learning, as most professional " +
      "bodies count it.",
    hoursPerCredit: { min: 1, max: 1 },
  },
];

/** What an empty bank is seeded with. */
export const DEFAULT_CATALOGUE: CatalogueBundle = {
  frameworks: [EQF],
  creditSystems: CREDIT_SYSTEMS,
};
