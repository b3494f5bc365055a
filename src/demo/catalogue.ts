/**
 * The demo catalogue: a fictional national system, the "Republic of Aurelia" (user-assigned country code
 * 'XA'), with its qualifications framework, a skills taxonomy, six providers of different kinds, about fifty
 * approved units on the common template, a few drafts with deliberate coherence problems, and
 * qualifications that stack the units.
 *
 * Pure data: no I/O, no clock, no randomness. EQF ('eqf', levels '1'..'8') and the credit systems ('ects',
 * 'us-credit-hour', 'nz-credit', 'uk-cats', 'cpd-point') are shipped by the bank itself and only referenced
 * here.
 */
import type {
  BundleUnit,
  CatalogueBundle,
  Framework,
  GradingScheme,
  Provider,
  QualificationSpec,
  SkillFramework,
} from "../domain/schema/catalogue.ts";
import type { Dimension } from "../domain/schema/common.ts";

/** The reference date the demo is built around (accreditations are in force on it). */
export const DEMO_REFERENCE_DATE = "2026-11-01";
/** The fictional country's user-assigned ISO 3166 code. */
export const DEMO_COUNTRY = "XA";
export const DEMO_NQF_ID = "aurelia-nqf";
export const DEMO_SKILLS_ID = "aurelia-skills";

/**
 * The draft units and the coherence findings each is built to produce, keyed 'providerId:CODE'. Every
 * draft is otherwise complete, so these codes are the errors the coherence check should report for it.
 */
export const DEMO_DRAFT_PROBLEMS: Record<string, string[]> = {
  "aurelia-poly:DA240": ["objective-unsupported", "outcome-unassessed"],
  "openlearn-xa:OL-CYB09": ["level-outside-accreditation"],
  "aurelia-care-college:HC310": ["credits-hours-mismatch", "prerequisite-cycle"],
  "aurelia-care-college:HC311": ["outcome-without-dimension", "prerequisite-cycle"],
  "xa-digital-skills-council:DSC-CHAIN": ["missing-mandatory-element"],
};

/** The catalogue bundle `npm run demo` loads. Every call returns a fresh, identical object. */
export function demoCatalogue(): CatalogueBundle {
  const providers = PROFILES.map((p) => structuredClone(p.provider));
  const units: BundleUnit[] = [];
  for (const profile of PROFILES) {
    for (const theme of profile.units) units.push(buildUnit(profile, theme, "approved"));
  }
  units.push(...buildDrafts());
  return {
    frameworks: [aureliaNqf()],
    skillFrameworks: [aureliaSkills()],
    providers,
    units,
    qualifications: qualifications(),
  };
}

// ---------------------------------------------------------------------------------------------
// The national qualifications framework

const NQF_LEVELS: [string, string, string, string][] = [
  [
    "Entry level",
    "Basic general knowledge needed for everyday life and as a starting point for further learning.",
    "Simple skills for routine tasks carried out with step-by-step guidance.",
    "Works or studies under close, direct supervision in a familiar and structured setting.",
  ],
  [
    "Foundation",
    "Basic factual knowledge of a field of work or study.",
    "Uses simple rules and tools to carry out routine tasks and to solve familiar problems.",
    "Works or studies under supervision with a limited degree of independence.",
  ],
  [
    "Intermediate",
    "Knowledge of facts, principles, processes and general concepts in a field of work or study.",
    "Chooses and applies basic methods, tools, materials and information to complete tasks.",
    "Takes responsibility for completing tasks and adapts own behaviour to the circumstances.",
  ],
  [
    "Upper secondary and skilled worker",
    "Broad factual and theoretical knowledge of a field of work or study.",
    "Applies a range of practical and cognitive skills to generate solutions to specific problems in the field.",
    "Manages own work within guidelines in predictable but changing contexts; may supervise the routine work of others.",
  ],
  [
    "Advanced vocational",
    "Detailed theoretical and practical knowledge of a specialised occupational area.",
    "Plans and carries out non-routine technical tasks, selecting suitable methods and checking the quality of results.",
    "Works autonomously in an occupational area and is responsible for the quality of own and team outputs.",
  ],
  [
    "Higher vocational and short cycle",
    "Comprehensive, specialised knowledge of a field, with awareness of the boundaries of that knowledge.",
    "Develops creative solutions to abstract problems using a comprehensive range of cognitive and practical skills.",
    "Manages and supervises activities in contexts subject to unpredictable change; reviews own and others' performance.",
  ],
  [
    "Ordinary bachelor",
    "Advanced knowledge of a field, including a critical understanding of its key theories and principles.",
    "Applies advanced skills to solve complex problems in the field and evaluates alternative approaches.",
    "Manages technical or professional activities and takes responsibility for decisions in changing contexts.",
  ],
  [
    "Honours bachelor and graduate diploma",
    "Advanced, specialised knowledge of a field, partly informed by current research and professional practice.",
    "Shows mastery and innovation in solving complex and unpredictable problems in a specialised field.",
    "Leads complex projects, takes decisions in unpredictable contexts and manages the development of individuals and groups.",
  ],
  [
    "Master",
    "Highly specialised knowledge, partly at the forefront of a field, forming a basis for original thinking and research.",
    "Uses specialised problem-solving skills in research or innovation to develop new knowledge and procedures.",
    "Manages and transforms complex, unpredictable contexts that require new strategic approaches.",
  ],
  [
    "Doctorate",
    "Knowledge at the most advanced frontier of a field and at the interfaces between fields.",
    "Masters the most advanced techniques, including synthesis and evaluation, to extend or redefine knowledge or practice.",
    "Shows authority, innovation, autonomy and scholarly integrity, with sustained commitment to new ideas at the forefront of work or research.",
  ],
];

/** NQF level → EQF level, as in Aurelia's (fictional) referencing report. */
const NQF_TO_EQF: Record<string, string> = {
  "1": "1",
  "2": "2",
  "3": "3",
  "4": "4",
  "5": "4",
  "6": "5",
  "7": "6",
  "8": "6",
  "9": "7",
  "10": "8",
};

function aureliaNqf(): Framework {
  return {
    id: DEMO_NQF_ID,
    name: "Aurelian National Qualifications Framework",
    shortName: "A-NQF",
    jurisdiction: "Republic of Aurelia (XA)",
    description:
      "The ten-level national framework of the Republic of Aurelia, covering general, vocational and higher " +
      "education and lifelong learning. Levels are described by learning outcomes in knowledge, skills, and " +
      "responsibility and autonomy, and are referenced to the European Qualifications Framework.",
    url: "https://qualifications.aurelia.example/nqf",
    levels: NQF_LEVELS.map(([title, knowledge, skills, responsibilityAutonomy], i) => ({
      code: String(i + 1),
      ordinal: i + 1,
      title,
      knowledge,
      skills,
      responsibilityAutonomy,
    })),
    levelReferences: Object.entries(NQF_TO_EQF).map(([level, targetLevel]) => ({
      level,
      targetFramework: "eqf",
      targetLevel,
      basis:
        `Referencing report of the Republic of Aurelia to the EQF Advisory Group (2021): the learning outcomes of ` +
        `A-NQF level ${level} correspond best to EQF level ${targetLevel}.`,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The skills taxonomy

const SKILL_GROUPS: [string, string, string[]][] = [
  [
    "DIG",
    "Digital technologies",
    [
      "Software development and programming",
      "Web and mobile development",
      "Cloud computing and infrastructure",
      "Cybersecurity",
      "Networking and systems administration",
      "DevOps and software delivery",
      "Artificial intelligence and machine learning",
    ],
  ],
  [
    "DAT",
    "Data",
    [
      "Data literacy",
      "Querying and managing data",
      "Statistical analysis",
      "Data visualisation and storytelling",
      "Data engineering and pipelines",
      "Data protection and governance",
    ],
  ],
  [
    "GRN",
    "Green and sustainability",
    [
      "Sustainability literacy",
      "Carbon and energy accounting",
      "Renewable energy technologies",
      "Energy efficiency in buildings",
      "Circular economy and resource efficiency",
      "Biodiversity and natural capital",
      "Sustainability reporting and disclosure",
    ],
  ],
  [
    "HLT",
    "Health and care",
    [
      "Infection prevention and control",
      "Person-centred care and communication",
      "Safe moving and handling",
      "Medication support",
      "Emergency first aid",
      "Safeguarding",
      "Clinical reasoning and evidence-based practice",
      "Public health and epidemiology",
    ],
  ],
  [
    "BUS",
    "Business and management",
    [
      "Project management",
      "Agile ways of working",
      "Entrepreneurship",
      "Marketing and customer engagement",
      "Finance and accounting",
      "Strategy and digital transformation",
    ],
  ],
  [
    "TRV",
    "Transversal skills",
    [
      "Communication",
      "Teamwork and collaboration",
      "Critical thinking and problem solving",
      "Ethics and professional responsibility",
      "Learning to learn",
      "Leadership",
      "Research and inquiry",
    ],
  ],
];

function aureliaSkills(): SkillFramework {
  const base = "https://skills.aurelia.example/taxonomy";
  return {
    id: DEMO_SKILLS_ID,
    name: "Aurelia Skills Taxonomy",
    publisher: "Aurelia Skills Agency",
    url: "https://skills.aurelia.example/taxonomy",
    items: SKILL_GROUPS.flatMap(([code, label, children]) => [
      { code, label, description: `Top-level group: ${label.toLowerCase()}.`, uri: `${base}/${code}` },
      ...children.map((child, i) => ({
        code: `${code}.${i + 1}`,
        label: child,
        parent: code,
        uri: `${base}/${code}.${i + 1}`,
      })),
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// Unit themes: hand-written content, expanded into units on the common template

type Dim = "K" | "S" | "A";
const DIMENSION: Record<Dim, Dimension> = {
  K: "knowledge-understanding",
  S: "skills-capacity",
  A: "attitudes-values",
};
type Method = NonNullable<BundleUnit["assessments"]>[number]["method"];
type Mode = NonNullable<BundleUnit["mode"]>;
type IdentityVerification = NonNullable<BundleUnit["identityVerification"]>;
type Stackability = NonNullable<BundleUnit["stackability"]>;

interface UnitTheme {
  code: string;
  title: string;
  field: string;
  /** Level code in the provider's framework. */
  level: string;
  credits: number;
  /** Credit system; 'ects' when absent. */
  system?: string;
  /** Notional hours; the system's usual hours per credit times the credits when absent. */
  hours?: number;
  mode: Mode;
  description: string;
  objectives: string[];
  /** [dimension, text, objective numbers (1-based)]; a null dimension only in drafts. */
  outcomes: [Dim | null, string, number[]][];
  /** [method, weight, description, outcome numbers (1-based)]. */
  assessments: [Method, number, string, number[]][];
  /** Codes in the Aurelia Skills Taxonomy. */
  skills: string[];
  /** A code of the same provider, 'providerId:CODE', or [unit, note]. */
  prerequisites?: (string | [string, string])[];
  validityMonths?: number;
  language?: string;
  /** Price in EUR; otherwise derived from the provider's price per ECTS-equivalent. */
  price?: number;
  identity?: IdentityVerification;
  grading?: GradingScheme;
  stackability?: Stackability;
}

interface ProviderProfile {
  provider: Provider;
  /** The framework the provider's units state their level in. */
  framework: "eqf" | "aurelia-nqf";
  grading: GradingScheme;
  identity: IdentityVerification;
  /** Unit-level quality assurance statement. */
  qa: string;
  venue: string;
  /** EUR per 25 notional hours; no price when absent. */
  pricePerCredit?: number;
  furtherInformation?: string;
  units: UnitTheme[];
}

/** Usual notional hours per credit of each credit system. */
const HOURS_PER_CREDIT: Record<string, number> = {
  ects: 25,
  "us-credit-hour": 40,
  "nz-credit": 10,
  "uk-cats": 10,
  "cpd-point": 1,
};

function buildUnit(profile: ProviderProfile, t: UnitTheme, status: "approved" | "draft"): BundleUnit {
  const p = profile.provider;
  const system = t.system ?? "ects";
  const hours = t.hours ?? t.credits * (HOURS_PER_CREDIT[system] ?? 25);
  const objectives = t.objectives.map((text, i) => ({ id: `O${i + 1}`, text }));
  const outcomes = t.outcomes.map(([dim, text, objs], i) => ({
    id: `LO${i + 1}`,
    text,
    ...(dim ? { dimension: DIMENSION[dim] } : {}),
    objectives: objs.map((n) => `O${n}`),
  }));
  const assessments = t.assessments.map(([method, weight, description, los], i) => ({
    id: `A${i + 1}`,
    method,
    description,
    outcomes: los.map((n) => `LO${n}`),
    weight,
  }));
  const price =
    t.price !== undefined
      ? t.price
      : profile.pricePerCredit !== undefined
        ? Math.round((profile.pricePerCredit * hours) / 25)
        : undefined;
  const unit: BundleUnit = {
    provider: p.id,
    code: t.code,
    title: t.title,
    description: t.description,
    language: t.language ?? "en",
    level: { framework: profile.framework, level: t.level },
    credits: { value: t.credits, system },
    notionalHours: hours,
    field: t.field,
    objectives,
    outcomes,
    assessments,
    skills: t.skills.map((code) => ({ framework: DEMO_SKILLS_ID, code })),
    mode: t.mode,
    ...(t.mode !== "online" ? { venue: profile.venue } : {}),
    qualityAssurance: profile.qa,
    ...(t.prerequisites && t.prerequisites.length > 0
      ? {
          prerequisites: t.prerequisites.map((pre) =>
            typeof pre === "string" ? { unit: pre } : { unit: pre[0], note: pre[1] },
          ),
        }
      : {}),
    identityVerification: t.identity ?? profile.identity,
    gradingScheme: structuredClone(t.grading ?? profile.grading),
    stackability: t.stackability ?? "stackable",
    ...(t.validityMonths !== undefined ? { validityMonths: t.validityMonths } : {}),
    ...(price !== undefined ? { price: { amount: price, currency: "EUR" } } : {}),
    ...(profile.furtherInformation ? { furtherInformation: profile.furtherInformation } : {}),
    url: `${p.website ?? "https://www.example"}/courses/${t.code.toLowerCase()}`,
    status,
  };
  return unit;
}

// ---------------------------------------------------------------------------------------------
// Grading schemes

const NUMERIC_100: GradingScheme = {
  type: "numeric",
  passMark: "40",
  description: "Marks out of 100; pass 40, merit 60 or more, distinction 70 or more.",
};
const LETTER_AF: GradingScheme = {
  type: "letter",
  passMark: "E",
  scale: ["A", "B", "C", "D", "E", "F"],
  description: "A (excellent, distinction) to E (sufficient); F is a fail. B is awarded as a merit.",
};
const DMP: GradingScheme = {
  type: "letter",
  passMark: "Pass",
  scale: ["Distinction", "Merit", "Pass", "Refer"],
  description: "Distinction, Merit or Pass; Refer means the learner may resubmit.",
};
const PASS_FAIL: GradingScheme = {
  type: "pass-fail",
  description: "Pass or fail against the stated assessment criteria.",
};
const MOOC_PASS_FAIL: GradingScheme = {
  type: "pass-fail",
  passMark: "70%",
  description: "Pass with at least 70% in the final assessment and all peer-reviewed tasks completed.",
};

// ---------------------------------------------------------------------------------------------
// Providers and their units

const UNI: ProviderProfile = {
  provider: {
    id: "uni-aurelia",
    name: "University of Aurelia",
    kind: "university",
    country: "XA",
    region: "Capital Region",
    website: "https://www.uni-aurelia.example",
    contactEmail: "microcredentials@uni-aurelia.example",
    description:
      "The country's oldest and largest public research university, with faculties of science, medicine, " +
      "law, business and engineering. Its Centre for Lifelong Learning offers graduate-level micro-credentials " +
      "that stack into diplomas and degrees.",
    qualityAssurance:
      "Internal quality assurance under the University Quality Handbook; institutional review every six years by " +
      "the Aurelian Agency for Quality in Higher Education (AAQHE), in line with the ESG 2015.",
    identifiers: [
      { type: "register-number", value: "XA-HE-0001" },
      { type: "erasmus-code", value: "XA AURELIA01" },
    ],
    accreditations: [
      {
        framework: "aurelia-nqf",
        minLevel: "7",
        maxLevel: "10",
        fields: ["*"],
        validFrom: "2019-01-01",
        validTo: "2031-12-31",
        status: "active",
        reference: "AAQHE institutional accreditation 2019/014",
      },
    ],
  },
  framework: "aurelia-nqf",
  grading: NUMERIC_100,
  identity: "supervised-with-identity-verification",
  qa:
    "Approved by the faculty teaching quality committee; assessments are second-marked and reviewed each year by " +
    "an external examiner.",
  venue: "University of Aurelia, main campus, Aurelia City",
  pricePerCredit: 80,
  furtherInformation:
    "Learners who complete a unit may count it towards a graduate diploma or degree of the University.",
  units: [
    {
      code: "DS101",
      title: "Foundations of Statistical Learning",
      field: "0542",
      level: "7",
      credits: 5,
      mode: "blended",
      description:
        "The statistical ideas behind predictive modelling: how models learn from data, why they overfit and how " +
        "to evaluate them honestly. Weekly labs in R or Python.",
      objectives: [
        "Introduce the statistical foundations of learning from data.",
        "Develop the ability to fit, tune and evaluate predictive models.",
      ],
      outcomes: [
        [
          "K",
          "Explain the bias-variance trade-off, overfitting and the roles of training, validation and test data.",
          [1],
        ],
        [
          "K",
          "Describe linear and logistic regression, k-nearest neighbours and decision trees and state their assumptions.",
          [1],
        ],
        ["S", "Fit, tune and compare predictive models with cross-validation in R or Python.", [2]],
        ["S", "Evaluate classifiers with confusion matrices, ROC curves and calibration plots.", [2]],
        ["A", "Recognise the limits of a model's validity and state them plainly in reports.", [1, 2]],
      ],
      assessments: [
        ["written-exam", 50, "Two-hour supervised examination on concepts and model assumptions.", [1, 2, 5]],
        ["project", 50, "Modelling project on a public health dataset with a written report.", [3, 4, 5]],
      ],
      skills: ["DAT.3", "DIG.7"],
    },
    {
      code: "DS110",
      title: "Programming for Data Science",
      field: "0613",
      level: "7",
      credits: 5,
      mode: "onsite",
      description:
        "Programming in Python for people who work with data: clean code, files and web APIs, testing, and " +
        "collaboration with Git.",
      objectives: [
        "Introduce core programming concepts for data work.",
        "Develop good practice in writing, testing and sharing code.",
      ],
      outcomes: [
        ["K", "Explain types, control flow, functions, modules and unit testing in Python.", [1]],
        [
          "S",
          "Write well-structured Python programs that read, transform and write data files and call web APIs.",
          [1],
        ],
        ["S", "Collaborate on code with Git through branches, pull requests and code review.", [2]],
        ["A", "Write code that colleagues can read, test and maintain.", [2]],
      ],
      assessments: [
        ["practical-demonstration", 40, "Supervised lab examination: short programming tasks.", [1, 2]],
        ["project", 60, "Group software project delivered through a shared Git repository.", [2, 3, 4]],
      ],
      skills: ["DIG.1", "DAT.5"],
    },
    {
      code: "DS201",
      title: "Machine Learning in Practice",
      field: "0613",
      level: "8",
      credits: 5,
      mode: "blended",
      description:
        "From notebook to production: feature engineering, ensembles and neural networks, deploying a model as a " +
        "service and keeping it healthy once it is in use.",
      objectives: [
        "Deepen knowledge of modern machine learning methods.",
        "Enable learners to build, deploy and monitor machine learning systems.",
        "Foster responsible design of systems that affect people.",
      ],
      outcomes: [
        ["K", "Explain ensemble methods, neural networks and the principles of feature engineering.", [1]],
        [
          "S",
          "Build an end-to-end machine learning pipeline, from data preparation to a model served behind an API.",
          [2],
        ],
        ["S", "Monitor a deployed model for data drift and performance degradation and plan retraining.", [2]],
        [
          "A",
          "Weigh fairness, privacy and the interests of affected people when designing a machine learning system.",
          [3],
        ],
      ],
      assessments: [
        ["project", 70, "Team project: a deployed and monitored prediction service.", [2, 3, 4]],
        ["oral-exam", 30, "Individual oral examination on methods and design choices.", [1, 4]],
      ],
      skills: ["DIG.7", "DAT.3"],
      prerequisites: ["DS101", "DS110"],
      validityMonths: 60,
    },
    {
      code: "DS210",
      title: "Data Engineering and Pipelines",
      field: "0612",
      level: "8",
      credits: 5,
      mode: "online",
      description:
        "Designing and running the pipelines that feed analytics: warehouses and lakes, dimensional modelling, " +
        "orchestration and automated data quality tests.",
      objectives: [
        "Explain modern data architectures.",
        "Develop the ability to build reliable, tested data pipelines.",
      ],
      outcomes: [
        ["K", "Explain batch and streaming architectures, data warehouses and data lakes, and when to use each.", [1]],
        [
          "S",
          "Design a dimensional data model and implement an incremental ELT pipeline with an orchestration tool.",
          [2],
        ],
        ["S", "Write automated data quality tests and monitor pipeline runs.", [2]],
        ["A", "Treat data lineage and documentation as a shared responsibility of the data team.", [1, 2]],
      ],
      assessments: [
        ["project", 70, "Build and document a tested pipeline for an open-data warehouse.", [2, 3, 4]],
        ["written-exam", 30, "Online proctored examination on data architectures.", [1]],
      ],
      skills: ["DAT.5", "DAT.2"],
      prerequisites: ["DS110", ["aurelia-poly:DA110", "Or equivalent, documented experience with SQL."]],
    },
    {
      code: "DS301",
      title: "Responsible AI and Data Ethics",
      field: "0613",
      level: "9",
      credits: 5,
      mode: "online",
      description:
        "Ethical theories, the GDPR and the EU AI Act applied to real data-driven systems, with a practical " +
        "algorithmic impact assessment.",
      objectives: [
        "Develop a critical understanding of the ethical and legal framework for AI.",
        "Enable learners to assess and mitigate the risks of AI systems.",
      ],
      outcomes: [
        [
          "K",
          "Critically analyse ethical theories and legal frameworks, including the GDPR and the EU AI Act, as they apply to data-driven systems.",
          [1],
        ],
        [
          "S",
          "Conduct an algorithmic impact assessment of an AI system, including bias measurement across groups.",
          [2],
        ],
        ["S", "Propose technical and organisational measures that mitigate the risks identified.", [2]],
        ["A", "Argue for the rights and interests of people affected by automated decisions.", [1]],
      ],
      assessments: [
        ["essay", 50, "Critical essay on an AI governance controversy.", [1, 4]],
        ["project", 50, "Algorithmic impact assessment of a real or realistic system.", [2, 3]],
      ],
      skills: ["DIG.7", "DAT.6", "TRV.4"],
    },
    {
      code: "DS390",
      title: "Data Science Research Project",
      field: "0613",
      level: "9",
      credits: 10,
      mode: "blended",
      description:
        "An independent, supervised investigation of a data science problem, from literature review to a " +
        "defended research report.",
      objectives: [
        "Enable learners to carry out an independent, supervised data science investigation.",
        "Develop scholarly and professional communication of research.",
      ],
      outcomes: [
        ["K", "Critically review current literature and methods relevant to a chosen data science problem.", [1]],
        ["S", "Design and carry out a reproducible investigation with appropriate data, methods and validation.", [1]],
        ["S", "Write a research report and defend its conclusions in an oral examination.", [2]],
        [
          "A",
          "Conduct research with integrity, including sound data management and acknowledgement of sources.",
          [1, 2],
        ],
      ],
      assessments: [
        ["project", 70, "Research report of about 8,000 words with code and data.", [1, 2, 4]],
        ["oral-exam", 30, "Viva before the supervisor and a second examiner.", [3]],
      ],
      skills: ["TRV.7", "DAT.3", "DIG.7"],
      prerequisites: ["DS201", "DS210"],
    },
    {
      code: "MED210",
      title: "Clinical Reasoning and Evidence-Based Practice",
      field: "0912",
      level: "8",
      credits: 5,
      mode: "blended",
      description:
        "How clinicians reason towards a diagnosis, where that reasoning goes wrong, and how to find, appraise and " +
        "apply evidence with patients.",
      objectives: [
        "Develop understanding of clinical reasoning and its pitfalls.",
        "Enable learners to practise evidence-based, patient-centred decision making.",
      ],
      outcomes: [
        ["K", "Explain models of clinical reasoning and common cognitive biases in diagnosis.", [1]],
        ["S", "Formulate answerable clinical questions and search and appraise the evidence that addresses them.", [2]],
        [
          "S",
          "Apply research evidence to a patient case, taking the patient's values and circumstances into account.",
          [2],
        ],
        ["A", "Acknowledge uncertainty and the limits of own competence, and seek help appropriately.", [1, 2]],
      ],
      assessments: [
        ["written-exam", 40, "Supervised examination with short clinical scenarios.", [1, 2]],
        ["oral-exam", 60, "Structured case-based oral examination.", [3, 4]],
      ],
      skills: ["HLT.7", "TRV.3"],
    },
    {
      code: "PH220",
      title: "Epidemiology for Public Health",
      field: "0912",
      level: "8",
      credits: 5,
      mode: "online",
      description:
        "The core methods of epidemiology: measuring disease in populations, study designs, and judging whether an " +
        "association is real.",
      objectives: [
        "Introduce the concepts and methods of epidemiology.",
        "Develop the ability to appraise epidemiological evidence critically.",
      ],
      outcomes: [
        ["K", "Explain measures of disease frequency and association and the main epidemiological study designs.", [1]],
        ["S", "Calculate incidence, prevalence, relative risks and odds ratios from surveillance and study data.", [1]],
        ["S", "Critically appraise an epidemiological study for bias, confounding and chance.", [2]],
        ["A", "Consider health equity and the communities affected when interpreting public health data.", [2]],
      ],
      assessments: [
        ["online-quiz", 30, "Weekly calculation quizzes.", [1, 2]],
        ["essay", 70, "Critical appraisal of a published cohort or case-control study.", [3, 4]],
      ],
      skills: ["HLT.8", "DAT.3"],
    },
    {
      code: "ENV301",
      title: "Climate Change Science and Policy",
      field: "0521",
      level: "7",
      credits: 5,
      mode: "blended",
      description:
        "The physical science of climate change and the policies that respond to it, from the Paris Agreement to the " +
        "EU emissions trading system.",
      objectives: [
        "Build understanding of climate science and climate policy.",
        "Enable learners to analyse decarbonisation pathways.",
      ],
      outcomes: [
        [
          "K",
          "Explain the physical basis of climate change and interpret projections from the IPCC assessment reports.",
          [1],
        ],
        [
          "K",
          "Describe the architecture of international and EU climate policy, including the Paris Agreement and emissions trading.",
          [1],
        ],
        ["S", "Analyse a national or sectoral decarbonisation pathway and assess its feasibility.", [2]],
        ["A", "Engage constructively with different perspectives on climate action and climate justice.", [1, 2]],
      ],
      assessments: [
        ["written-exam", 50, "Supervised examination on climate science and policy.", [1, 2]],
        ["essay", 50, "Policy analysis of a decarbonisation pathway.", [3, 4]],
      ],
      skills: ["GRN.1", "GRN.2"],
    },
    {
      code: "ENV310",
      title: "Life Cycle Assessment",
      field: "0712",
      level: "9",
      credits: 5,
      mode: "online",
      description:
        "Quantifying the environmental impacts of products and services over their whole life cycle according to " +
        "ISO 14040 and 14044.",
      objectives: [
        "Explain the method and standards of life cycle assessment.",
        "Develop the ability to carry out and interpret an LCA study.",
      ],
      outcomes: [
        ["K", "Explain the ISO 14040/44 life cycle assessment framework and the common impact categories.", [1]],
        ["S", "Model the life cycle of a product with LCA software and a background database.", [2]],
        ["S", "Interpret LCA results, including sensitivity and uncertainty analysis, to compare design options.", [2]],
        ["A", "Report LCA results transparently, stating assumptions and avoiding greenwashing.", [1, 2]],
      ],
      assessments: [["project", 100, "Comparative LCA study of two product designs with a report.", [1, 2, 3, 4]]],
      skills: ["GRN.5", "GRN.2"],
    },
    {
      code: "BUS330",
      title: "Leading Digital Transformation",
      field: "0413",
      level: "9",
      credits: 5,
      mode: "blended",
      description:
        "Strategy, governance and change leadership for organisations adopting digital technologies at scale.",
      objectives: [
        "Develop critical understanding of strategy and change in digital contexts.",
        "Enable learners to plan and lead a transformation programme.",
      ],
      outcomes: [
        [
          "K",
          "Critically evaluate theories of strategy and organisational change in the context of digital technologies.",
          [1],
        ],
        [
          "S",
          "Develop a digital transformation roadmap for an organisation, including a business case and governance.",
          [2],
        ],
        ["S", "Plan stakeholder engagement and change management for a transformation programme.", [2]],
        ["A", "Lead with attention to the people affected by change, including their skills and wellbeing.", [2]],
      ],
      assessments: [
        ["essay", 40, "Critical essay on a digital transformation case.", [1]],
        ["presentation", 60, "Roadmap presentation to a panel acting as the executive board.", [2, 3, 4]],
      ],
      skills: ["BUS.6", "TRV.6"],
    },
    {
      code: "RM200",
      title: "Research Methods and Academic Writing",
      field: "0031",
      level: "7",
      credits: 5,
      mode: "online",
      description:
        "Designing sound studies and writing about them well: research designs, ethics, literature reviews and " +
        "academic integrity.",
      objectives: [
        "Introduce research designs and research ethics.",
        "Develop academic writing and study design skills.",
      ],
      outcomes: [
        ["K", "Compare quantitative, qualitative and mixed research designs and their ethical requirements.", [1]],
        ["S", "Write a literature review that synthesises sources and cites them correctly.", [2]],
        ["S", "Design a small study with a research question, method, sampling and data management plan.", [1, 2]],
        ["A", "Commit to academic integrity, including the responsible use of generative AI tools.", [2]],
      ],
      assessments: [
        ["essay", 60, "Literature review on a topic of the learner's choice.", [1, 2, 4]],
        ["project", 40, "Study proposal with a data management plan.", [3]],
      ],
      skills: ["TRV.7", "TRV.1"],
    },
    {
      code: "DR205",
      title: "Droit du numérique et protection des données",
      field: "0421",
      level: "8",
      credits: 5,
      mode: "online",
      language: "fr",
      description:
        "Le cadre juridique européen de la protection des données personnelles et son application concrète dans les " +
        "organisations : RGPD, analyses d'impact et transferts internationaux.",
      objectives: [
        "Présenter le cadre juridique européen de la protection des données.",
        "Rendre les apprenants capables d'appliquer le RGPD dans une organisation.",
      ],
      outcomes: [
        [
          "K",
          "Expliquer les principes du RGPD, les bases légales du traitement et les droits des personnes concernées.",
          [1],
        ],
        [
          "S",
          "Rédiger un registre des traitements et une analyse d'impact relative à la protection des données (AIPD).",
          [2],
        ],
        ["S", "Évaluer la conformité d'un transfert de données hors de l'Union européenne.", [1, 2]],
        [
          "A",
          "Faire preuve de rigueur et de respect de la vie privée dans le traitement des données personnelles.",
          [2],
        ],
      ],
      assessments: [
        ["written-exam", 50, "Examen écrit surveillé à distance sur le cadre juridique.", [1, 3]],
        ["project", 50, "Registre des traitements et AIPD pour une organisation fictive.", [2, 4]],
      ],
      skills: ["DAT.6", "TRV.4"],
    },
  ],
};

const POLY: ProviderProfile = {
  provider: {
    id: "aurelia-poly",
    name: "Aurelia Polytechnic",
    kind: "polytechnic",
    country: "XA",
    region: "Port Sella",
    website: "https://www.aurelia-poly.example",
    contactEmail: "shortcourses@aurelia-poly.example",
    description:
      "A public university of applied sciences with strong links to industry, offering practice-oriented short " +
      "courses in ICT, data, energy and business, mostly in the evening and online for working adults.",
    qualityAssurance:
      "Programme-level quality assurance with employer advisory boards; accredited by the Aurelian Agency for " +
      "Quality in Higher Education (AAQHE).",
    identifiers: [{ type: "register-number", value: "XA-HE-0007" }],
    accreditations: [
      {
        framework: "eqf",
        minLevel: "4",
        maxLevel: "6",
        fields: ["06", "04", "052", "054", "07"],
        validFrom: "2020-09-01",
        validTo: "2030-08-31",
        status: "active",
        reference: "AAQHE programme accreditation 2020/102",
      },
    ],
  },
  framework: "eqf",
  grading: LETTER_AF,
  identity: "supervised-with-identity-verification",
  qa: "Course approved by the School Quality Board with employer input; learner feedback reviewed every term.",
  venue: "Aurelia Polytechnic, Harbour Campus, Port Sella",
  pricePerCredit: 55,
  units: [
    {
      code: "DA100",
      title: "Spreadsheet Modelling for Business Analysis",
      field: "0611",
      level: "4",
      credits: 3,
      mode: "blended",
      description:
        "Build reliable spreadsheet models for budgeting, forecasting and what-if analysis, with attention to " +
        "structure, documentation and error checking.",
      objectives: [
        "Introduce the principles of well-structured spreadsheet models.",
        "Develop the ability to build and test models that support business decisions.",
      ],
      outcomes: [
        [
          "K",
          "Describe the separation of inputs, calculations and outputs in a spreadsheet model and explain why it reduces errors.",
          [1],
        ],
        [
          "S",
          "Build a monthly budget and cash-flow model using lookup functions, named ranges and data validation.",
          [2],
        ],
        [
          "S",
          "Carry out scenario and sensitivity analysis with data tables and goal seek and summarise the results for a manager.",
          [2],
        ],
        ["A", "Document assumptions openly and check own models for errors before sharing them.", [1, 2]],
      ],
      assessments: [
        ["online-quiz", 30, "Short quiz on modelling principles and functions.", [1]],
        ["project", 70, "Build and document a budget model for a case-study business.", [2, 3, 4]],
      ],
      skills: ["DAT.1", "BUS.5"],
    },
    {
      code: "DA110",
      title: "Introduction to SQL for Data Analysis",
      field: "0612",
      level: "5",
      credits: 5,
      mode: "online",
      description:
        "Query relational databases with SQL to answer business questions: filtering, joining, grouping and window " +
        "functions on realistic sales and service data.",
      objectives: [
        "Explain how relational databases organise data.",
        "Enable learners to write correct and efficient SQL queries for analysis.",
        "Encourage careful validation of query results.",
      ],
      outcomes: [
        [
          "K",
          "Explain tables, keys and relationships and read an entity-relationship diagram of a sales database.",
          [1],
        ],
        [
          "S",
          "Write SELECT queries that filter, sort, join several tables and aggregate with GROUP BY and HAVING.",
          [2],
        ],
        [
          "S",
          "Use subqueries, common table expressions and window functions to compute running totals and rankings.",
          [2],
        ],
        [
          "S",
          "Check query results against control totals and explain discrepancies caused by NULLs and duplicate joins.",
          [3],
        ],
        ["A", "Respect data access rules and handle personal data in query results with care.", [3]],
      ],
      assessments: [
        ["online-quiz", 30, "Quizzes on relational concepts and reading ER diagrams.", [1]],
        [
          "practical-demonstration",
          70,
          "Timed practical: answer ten business questions with SQL on an unseen database containing personal data.",
          [2, 3, 4, 5],
        ],
      ],
      skills: ["DAT.2", "DAT.1"],
    },
    {
      code: "DA120",
      title: "Data Visualisation and Dashboards",
      field: "0613",
      level: "5",
      credits: 5,
      mode: "blended",
      description: "Turn data into clear, honest charts and interactive dashboards that help people make decisions.",
      objectives: [
        "Teach the principles of effective visual communication of data.",
        "Develop skills in building interactive dashboards.",
      ],
      outcomes: [
        ["K", "Explain how perception, chart type and colour choices affect how accurately a chart is read.", [1]],
        [
          "S",
          "Choose and build suitable charts for comparisons, distributions, trends and part-to-whole relationships.",
          [1, 2],
        ],
        ["S", "Design an interactive dashboard with filters and drill-down for a defined audience and purpose.", [2]],
        ["A", "Present data honestly, avoiding truncated axes and other misleading designs.", [1]],
      ],
      assessments: [
        ["portfolio", 60, "Portfolio of six redesigned charts with a rationale for each.", [1, 2, 4]],
        ["presentation", 40, "Live demonstration of a dashboard to a simulated stakeholder.", [3, 4]],
      ],
      skills: ["DAT.4"],
      prerequisites: ["DA110"],
    },
    {
      code: "DA130",
      title: "Python for Data Analysis",
      field: "0613",
      level: "5",
      credits: 5,
      mode: "online",
      description:
        "Clean, transform and analyse tabular data with Python and pandas, and share the work as a reproducible " +
        "notebook.",
      objectives: [
        "Introduce the Python data analysis ecosystem.",
        "Develop the ability to clean, transform and analyse tabular data in code.",
        "Promote reproducible analysis practice.",
      ],
      outcomes: [
        [
          "K",
          "Describe the roles of notebooks, pandas data frames and plotting libraries in an analysis workflow.",
          [1],
        ],
        ["S", "Load, filter, reshape and merge tabular data with pandas.", [2]],
        ["S", "Compute grouped summaries and produce exploratory plots that answer a stated question.", [2]],
        ["S", "Organise an analysis as a reproducible notebook with a pinned environment and a clear narrative.", [3]],
        ["A", "Value openness and reproducibility when sharing analytical work with colleagues.", [3]],
      ],
      assessments: [
        ["online-quiz", 20, "Weekly concept quizzes.", [1]],
        ["project", 80, "Reproducible analysis of an open public-transport dataset.", [2, 3, 4, 5]],
      ],
      skills: ["DIG.1", "DAT.3"],
    },
    {
      code: "DA210",
      title: "Applied Statistics for Analysts",
      field: "0542",
      level: "5",
      credits: 5,
      mode: "online",
      description:
        "The statistics analysts use every day: confidence intervals, hypothesis tests and regression, applied to " +
        "business data and reported responsibly.",
      objectives: [
        "Build a working understanding of descriptive and inferential statistics.",
        "Enable learners to choose and apply suitable statistical methods.",
      ],
      outcomes: [
        ["K", "Explain sampling variability, confidence intervals and the meaning and limits of a p-value.", [1]],
        ["S", "Select and carry out t-tests, chi-squared tests and simple linear regression on business data.", [2]],
        ["S", "Check the assumptions of a statistical model and report effect sizes with their uncertainty.", [2]],
        [
          "A",
          "Communicate statistical findings without overstating certainty or implying causation that the data do not support.",
          [1, 2],
        ],
      ],
      assessments: [
        ["written-exam", 40, "Supervised examination on statistical concepts.", [1, 4]],
        ["project", 60, "Statistical analysis of a marketing experiment with a short report.", [2, 3, 4]],
      ],
      skills: ["DAT.3"],
      prerequisites: ["DA130"],
    },
    {
      code: "DA220",
      title: "Data Cleaning and Data Quality",
      field: "0612",
      level: "5",
      credits: 3,
      mode: "online",
      description: "Find and fix the problems in real-world data, and make every change traceable.",
      objectives: [
        "Explain the dimensions of data quality.",
        "Develop practical techniques to detect and repair data quality problems.",
      ],
      outcomes: [
        [
          "K",
          "Describe the dimensions of data quality: completeness, validity, consistency, timeliness and uniqueness.",
          [1],
        ],
        ["S", "Profile a dataset and detect missing values, outliers, duplicates and inconsistent codes.", [2]],
        ["S", "Write repeatable cleaning rules and log every change made to the data.", [2]],
        ["A", "Take responsibility for traceable and transparent changes to shared data.", [1, 2]],
      ],
      assessments: [
        [
          "practical-demonstration",
          100,
          "Clean a messy customer dataset, explain the quality dimensions affected and submit the cleaning log.",
          [1, 2, 3, 4],
        ],
      ],
      skills: ["DAT.5", "DAT.6"],
      prerequisites: ["DA110"],
    },
    {
      code: "DA230",
      title: "Data Analytics Capstone Project",
      field: "0613",
      level: "5",
      credits: 6,
      mode: "blended",
      description:
        "A real client project that brings SQL, Python and visualisation together, from framing the question to " +
        "presenting recommendations.",
      objectives: [
        "Integrate the skills of the data analytics certificate in a realistic client project.",
        "Develop professional communication with stakeholders.",
      ],
      outcomes: [
        [
          "K",
          "Explain how an analytics project moves from question to data to insight to decision, and where it can fail.",
          [1],
        ],
        ["S", "Frame an analytical question with a client and plan the data work needed to answer it.", [1, 2]],
        ["S", "Deliver an end-to-end analysis with SQL, Python and a dashboard, documented for hand-over.", [1]],
        ["S", "Present findings and recommendations to a non-specialist audience and respond to questions.", [2]],
        [
          "A",
          "Work within agreed timelines and ethical constraints, and reflect on own professional development.",
          [2],
        ],
      ],
      assessments: [
        ["project", 60, "Client project deliverables and technical documentation.", [1, 2, 3]],
        ["presentation", 25, "Final presentation to the client organisation.", [4]],
        ["essay", 15, "Reflective report on the project and own development.", [5]],
      ],
      skills: ["DAT.1", "DAT.4", "TRV.1", "TRV.3"],
      prerequisites: ["DA110", "DA120", "DA130"],
    },
    {
      code: "WEB110",
      title: "Web Development Fundamentals",
      field: "0613",
      level: "4",
      credits: 5,
      mode: "onsite",
      description: "How the web works, and how to build accessible, responsive websites with HTML, CSS and JavaScript.",
      objectives: ["Introduce how the web works.", "Develop the ability to build accessible, responsive web pages."],
      outcomes: [
        [
          "K",
          "Explain the request-response cycle, the roles of HTML, CSS and JavaScript and how browsers render a page.",
          [1],
        ],
        ["S", "Build a responsive multi-page website with semantic HTML and modern CSS layout.", [2]],
        ["S", "Add client-side interactivity with JavaScript, including form validation.", [2]],
        ["A", "Design with accessibility in mind, following the principles of WCAG 2.1 AA.", [2]],
      ],
      assessments: [
        ["online-quiz", 20, "Quiz on web fundamentals.", [1]],
        ["project", 80, "Accessible website for a local organisation.", [2, 3, 4]],
      ],
      skills: ["DIG.2"],
      validityMonths: 36,
    },
    {
      code: "NET120",
      title: "Computer Networks Fundamentals",
      field: "0612",
      level: "4",
      credits: 5,
      mode: "onsite",
      description: "Set up, secure and troubleshoot small office networks in a hands-on lab.",
      objectives: [
        "Explain how data networks are structured.",
        "Develop practical skills to set up and troubleshoot a small network.",
      ],
      outcomes: [
        ["K", "Describe the layers of the TCP/IP model and the functions of addressing, routing and switching.", [1]],
        ["S", "Plan IPv4 and IPv6 addressing for a small office network using subnetting.", [2]],
        [
          "S",
          "Configure switches, a router and wireless access in the lab and diagnose connectivity faults systematically.",
          [2],
        ],
        ["A", "Follow change-management and documentation practice when working on shared infrastructure.", [2]],
      ],
      assessments: [
        ["written-exam", 40, "Supervised examination on network concepts and addressing.", [1, 2]],
        ["practical-demonstration", 60, "Lab assessment: build and troubleshoot a network.", [3, 4]],
      ],
      skills: ["DIG.5"],
    },
    {
      code: "CYB130",
      title: "Cybersecurity Essentials for Small Organisations",
      field: "0612",
      level: "5",
      credits: 5,
      mode: "blended",
      description:
        "Protect a small organisation against the most common attacks with proportionate, well-chosen controls.",
      objectives: [
        "Explain the main cyber threats to small organisations.",
        "Enable learners to implement and review basic security controls.",
        "Foster a security-conscious professional attitude.",
      ],
      outcomes: [
        [
          "K",
          "Explain common attack types such as phishing, ransomware and credential stuffing and the weaknesses they exploit.",
          [1],
        ],
        ["S", "Carry out a basic risk assessment of a small organisation's assets and threats.", [2]],
        ["S", "Configure multi-factor authentication, backups and patch management for a small office.", [2]],
        ["A", "Act on the principle of least privilege and report incidents promptly and honestly.", [3]],
      ],
      assessments: [
        ["online-quiz", 25, "Threat-recognition quiz.", [1]],
        ["project", 50, "Risk assessment and security plan for a case-study firm.", [2, 3]],
        ["oral-exam", 25, "Scenario interview on incident handling.", [4]],
      ],
      skills: ["DIG.4"],
      prerequisites: ["NET120"],
      validityMonths: 36,
    },
    {
      code: "EN210",
      title: "Solar PV System Design",
      field: "0713",
      level: "5",
      credits: 5,
      mode: "blended",
      description: "Design rooftop photovoltaic systems for homes and small businesses, from yield estimate to wiring.",
      objectives: [
        "Explain how photovoltaic systems generate and deliver electricity.",
        "Develop the ability to size and specify a rooftop PV system.",
      ],
      outcomes: [
        [
          "K",
          "Explain the operation of PV cells, inverters and batteries and the factors that affect annual yield.",
          [1],
        ],
        ["S", "Estimate the annual yield of a rooftop system from irradiance data, orientation and shading.", [2]],
        [
          "S",
          "Size modules, inverter and protection devices for a domestic installation in line with the wiring rules.",
          [2],
        ],
        ["A", "Give customers realistic, honest advice on costs, savings and payback.", [1, 2]],
      ],
      assessments: [
        ["written-exam", 40, "Supervised examination on PV principles.", [1]],
        ["project", 60, "Complete design of a domestic PV system with customer proposal.", [2, 3, 4]],
      ],
      skills: ["GRN.3"],
    },
    {
      code: "EN220",
      title: "Energy Auditing of Buildings",
      field: "0713",
      level: "5",
      credits: 4,
      mode: "onsite",
      description: "Find where buildings waste energy and recommend the measures that pay back best.",
      objectives: [
        "Explain how buildings use and lose energy.",
        "Enable learners to carry out and report an energy audit.",
      ],
      outcomes: [
        [
          "K",
          "Describe how heat is lost through a building envelope and how heating, ventilation and lighting use energy.",
          [1],
        ],
        ["S", "Conduct a walk-through energy audit, including thermal imaging and meter readings.", [2]],
        ["S", "Prioritise efficiency measures by cost, savings and carbon impact in an audit report.", [2]],
        ["A", "Respect occupants' privacy and comfort when surveying occupied buildings.", [2]],
      ],
      assessments: [
        ["practical-demonstration", 50, "Supervised site audit of a campus building.", [2, 4]],
        ["project", 50, "Energy audit report with prioritised recommendations.", [1, 3]],
      ],
      skills: ["GRN.4", "GRN.2"],
    },
    {
      code: "BUS140",
      title: "Project Management Fundamentals",
      field: "0413",
      level: "5",
      credits: 5,
      mode: "online",
      description: "Plan, run and close small projects with predictive and adaptive methods.",
      objectives: [
        "Introduce project management concepts and life cycles.",
        "Develop planning, risk and stakeholder management skills.",
      ],
      outcomes: [
        ["K", "Explain the project life cycle and compare predictive and adaptive approaches.", [1]],
        ["S", "Produce a project charter, work breakdown structure and schedule for a small project.", [2]],
        ["S", "Identify, assess and plan responses to project risks.", [2]],
        ["A", "Communicate openly with stakeholders about progress, issues and changes.", [2]],
      ],
      assessments: [
        ["online-quiz", 30, "Quizzes on project management concepts.", [1]],
        [
          "project",
          70,
          "Project plan for a real or realistic project, with a stakeholder communication plan.",
          [2, 3, 4],
        ],
      ],
      skills: ["BUS.1", "TRV.2"],
    },
  ],
};

const MOOC: ProviderProfile = {
  provider: {
    id: "openlearn-xa",
    name: "OpenLearn Aurelia",
    kind: "mooc-platform",
    country: "XA",
    website: "https://www.openlearn-xa.example",
    contactEmail: "support@openlearn-xa.example",
    description:
      "A national online learning platform with short, self-paced courses open to everyone, developed with " +
      "employers and public institutions.",
    qualityAssurance:
      "Course design reviewed against the platform's quality framework for online learning; externally audited " +
      "by the Aurelia Qualifications Authority.",
    identifiers: [{ type: "register-number", value: "XA-OL-0042" }],
    accreditations: [
      {
        framework: "eqf",
        minLevel: "4",
        maxLevel: "5",
        fields: ["061", "041", "052"],
        validFrom: "2021-03-01",
        validTo: "2031-02-28",
        status: "active",
        reference: "AQA recognition of non-formal provider 2021/033",
      },
    ],
  },
  framework: "eqf",
  grading: MOOC_PASS_FAIL,
  identity: "unsupervised-no-identity-verification",
  qa: "Peer-reviewed course design, learner analytics and annual course review by the platform's academic board.",
  venue: "Online",
  furtherInformation: "Self-paced; start at any time. Financial aid is available.",
  units: [
    {
      code: "OL-PY01",
      title: "Programming with Python: First Steps",
      field: "0613",
      level: "4",
      credits: 2,
      mode: "online",
      price: 49,
      description: "A gentle, practical first course in programming with Python. No prior experience needed.",
      objectives: ["Introduce the basic building blocks of programs.", "Build confidence in writing and fixing code."],
      outcomes: [
        ["K", "Explain variables, data types, conditions, loops and functions in Python.", [1]],
        ["S", "Write short Python programs that read input, make decisions and repeat tasks.", [1, 2]],
        ["S", "Find and fix errors in simple programs using error messages and print debugging.", [2]],
        ["A", "Persist through problems and use documentation and community forums responsibly.", [2]],
      ],
      assessments: [
        ["online-quiz", 40, "Auto-marked quizzes after each week.", [1]],
        ["peer-review", 60, "Peer-reviewed programming exercises with a reflection on debugging.", [2, 3, 4]],
      ],
      skills: ["DIG.1"],
    },
    {
      code: "OL-DIG01",
      title: "Digital Collaboration Tools for Remote Teams",
      field: "0611",
      level: "4",
      credits: 1,
      mode: "online",
      price: 29,
      description: "Work well with colleagues you rarely see: shared documents, task boards and good meeting habits.",
      objectives: ["Introduce collaboration tools and practices for distributed teams."],
      outcomes: [
        [
          "K",
          "Describe the main categories of collaboration tools and when to use synchronous or asynchronous communication.",
          [1],
        ],
        ["S", "Organise shared documents, tasks and meetings for a distributed team.", [1]],
        ["A", "Show respect for colleagues' time, time zones and right to disconnect.", [1]],
      ],
      assessments: [
        ["online-quiz", 50, "Scenario-based quiz.", [1, 3]],
        ["peer-review", 50, "Peer-reviewed team workspace set-up.", [2, 3]],
      ],
      skills: ["TRV.2", "TRV.1"],
      stackability: "stand-alone",
    },
    {
      code: "OL-DAT02",
      title: "From Spreadsheets to Power Query: Automating Data Preparation",
      field: "0611",
      level: "4",
      credits: 2,
      mode: "online",
      price: 59,
      description: "Stop copying and pasting: automate the preparation of recurring reports with Power Query.",
      objectives: ["Explain the value of repeatable data preparation.", "Develop skills to automate data preparation."],
      outcomes: [
        ["K", "Explain why repeatable data preparation is less error-prone than manual copy-and-paste.", [1]],
        ["S", "Import, combine and reshape data from several files with Power Query.", [2]],
        ["S", "Refresh an automated report when new data arrives and check the result.", [2]],
        ["A", "Keep source data intact and every transformation traceable.", [1]],
      ],
      assessments: [
        ["online-quiz", 30, "Auto-marked concept quiz.", [1]],
        ["project", 70, "Automated monthly sales report built from raw exports.", [2, 3, 4]],
      ],
      skills: ["DAT.5", "DAT.1"],
    },
    {
      code: "OL-MKT01",
      title: "Digital Marketing Fundamentals",
      field: "0414",
      level: "4",
      credits: 3,
      mode: "online",
      price: 79,
      description: "Plan, run and measure a small digital marketing campaign across search, social and e-mail.",
      objectives: [
        "Introduce the channels and concepts of digital marketing.",
        "Develop the ability to plan and evaluate a campaign.",
      ],
      outcomes: [
        ["K", "Explain the customer journey and the roles of search, social, e-mail and content marketing.", [1]],
        ["S", "Plan a small digital campaign with objectives, audience, channels and budget.", [2]],
        ["S", "Measure campaign performance with web analytics and interpret the key metrics.", [2]],
        ["A", "Respect consumer privacy and consent rules in marketing practice.", [1]],
      ],
      assessments: [
        ["online-quiz", 40, "Quizzes on channels, metrics and consent rules.", [1, 4]],
        ["project", 60, "Campaign plan and evaluation report for a small business.", [2, 3]],
      ],
      skills: ["BUS.4"],
    },
    {
      code: "OL-ENT01",
      title: "Starting a Small Business",
      field: "0413",
      level: "4",
      credits: 3,
      mode: "online",
      price: 69,
      description: "From idea to first customers: test a business idea, plan the finances and register the company.",
      objectives: [
        "Explain the steps and obligations of starting a business in Aurelia.",
        "Enable learners to test and plan a business idea.",
      ],
      outcomes: [
        ["K", "Explain the legal forms, registration steps and tax obligations for a new business in Aurelia.", [1]],
        ["S", "Test a business idea with customer interviews and a lean canvas.", [2]],
        ["S", "Prepare a first-year financial forecast with a break-even analysis.", [2]],
        ["A", "Approach setbacks with resilience and learn from customer feedback.", [2]],
      ],
      assessments: [
        ["online-quiz", 30, "Quiz on legal and tax obligations.", [1]],
        ["project", 70, "Short business plan with interview findings and forecast.", [2, 3, 4]],
      ],
      skills: ["BUS.3", "BUS.5"],
    },
    {
      code: "OL-GRN01",
      title: "Sustainability Literacy for Professionals",
      field: "0521",
      level: "4",
      credits: 1,
      mode: "online",
      price: 0,
      description: "What sustainability means for your job: climate, resources and the Sustainable Development Goals.",
      objectives: ["Build a shared understanding of sustainability.", "Encourage action in the learner's workplace."],
      outcomes: [
        [
          "K",
          "Explain planetary boundaries, the UN Sustainable Development Goals and the basics of greenhouse gas emissions.",
          [1],
        ],
        ["S", "Identify sustainability impacts and improvement opportunities in one's own workplace.", [2]],
        ["A", "Show commitment to acting sustainably at work and in daily life.", [2]],
      ],
      assessments: [
        ["online-quiz", 50, "Final quiz.", [1]],
        ["portfolio", 50, "Workplace sustainability action plan.", [2, 3]],
      ],
      skills: ["GRN.1"],
      stackability: "stand-alone",
    },
    {
      code: "OL-AI01",
      title: "Generative AI at Work: Prompts, Limits and Risks",
      field: "0613",
      level: "5",
      credits: 2,
      mode: "online",
      price: 59,
      validityMonths: 24,
      description: "Use generative AI tools productively and safely in everyday knowledge work.",
      objectives: [
        "Explain how generative AI works and where it fails.",
        "Develop effective and responsible use of generative AI tools.",
      ],
      outcomes: [
        [
          "K",
          "Explain how large language models generate text and why they can produce confident but wrong answers.",
          [1],
        ],
        ["S", "Write and refine prompts to draft, summarise and review work documents.", [2]],
        ["S", "Verify AI-generated content against reliable sources before using it.", [1, 2]],
        ["A", "Use generative AI transparently and in line with data protection and copyright rules.", [2]],
      ],
      assessments: [
        ["online-quiz", 40, "Quiz on how models work and on the rules for their use.", [1, 4]],
        ["peer-review", 60, "Peer-reviewed prompt portfolio with verification notes.", [2, 3]],
      ],
      skills: ["DIG.7", "TRV.4"],
    },
    {
      code: "OL-FIN01",
      title: "Les bases de la finance pour entrepreneurs",
      field: "0411",
      level: "4",
      credits: 2,
      mode: "online",
      price: 49,
      language: "fr",
      description:
        "Comprendre les chiffres de son entreprise : compte de résultat, bilan, trésorerie et budget prévisionnel.",
      objectives: [
        "Présenter les documents financiers essentiels d'une petite entreprise.",
        "Rendre les apprenants capables de construire un budget prévisionnel.",
      ],
      outcomes: [
        ["K", "Expliquer le compte de résultat, le bilan et le tableau de trésorerie d'une petite entreprise.", [1]],
        ["S", "Calculer les marges, le seuil de rentabilité et le besoin en fonds de roulement.", [1, 2]],
        ["S", "Construire un budget prévisionnel simple sur douze mois.", [2]],
        ["A", "Adopter une gestion prudente et transparente de l'argent de l'entreprise.", [2]],
      ],
      assessments: [
        ["online-quiz", 40, "Quiz noté automatiquement sur les documents financiers.", [1, 2]],
        ["peer-review", 60, "Budget prévisionnel évalué par les pairs.", [3, 4]],
      ],
      skills: ["BUS.5"],
    },
    {
      code: "OL-DA05",
      title: "Foundations of Data Analysis",
      field: "0613",
      level: "5",
      credits: 3,
      system: "us-credit-hour",
      hours: 120,
      mode: "online",
      price: 149,
      identity: "supervised-with-identity-verification",
      description:
        "Descriptive statistics, charts and sound conclusions from data. Developed with Lakeview Community College " +
        "(USA), whose credit hours it carries; the final examination is proctored online.",
      objectives: [
        "Introduce the basic concepts of data analysis.",
        "Develop the ability to summarise data and draw justified conclusions.",
      ],
      outcomes: [
        ["K", "Explain descriptive statistics, distributions and correlation.", [1]],
        ["S", "Summarise and visualise a dataset with a spreadsheet or Python.", [2]],
        ["S", "Draw and justify conclusions from data while noting their limitations.", [2]],
        ["A", "Approach data claims in the media with healthy scepticism.", [1, 2]],
      ],
      assessments: [
        ["online-quiz", 40, "Proctored final examination.", [1, 4]],
        ["project", 60, "Data analysis report on a public dataset.", [2, 3, 4]],
      ],
      skills: ["DAT.1", "DAT.3"],
    },
  ],
};

const DSC: ProviderProfile = {
  provider: {
    id: "xa-digital-skills-council",
    name: "Aurelia Digital Skills Council",
    kind: "industry-body",
    country: "XA",
    region: "Capital Region",
    website: "https://www.digitalskills-xa.example",
    contactEmail: "certification@digitalskills-xa.example",
    description:
      "The ICT industry's skills body: employers, trade unions and training partners who define and certify " +
      "the skills Aurelia's digital economy needs.",
    qualityAssurance:
      "ISO/IEC 17024-aligned certification scheme; examinations set by industry panels and delivered at proctored " +
      "test centres; scheme audited yearly by the Aurelia Qualifications Authority.",
    identifiers: [
      { type: "register-number", value: "XA-IB-0112" },
      { type: "company-number", value: "XA-CRN-5583021" },
    ],
    accreditations: [
      {
        framework: "eqf",
        minLevel: "3",
        maxLevel: "5",
        fields: ["06"],
        validFrom: "2017-06-01",
        validTo: "2021-05-31",
        status: "withdrawn",
        reference:
          "AQA 2017/058; withdrawn on 2021-05-31 and replaced by the 2021 accreditation with an extended scope.",
      },
      {
        framework: "eqf",
        minLevel: "3",
        maxLevel: "6",
        fields: ["06", "0413"],
        validFrom: "2021-06-01",
        validTo: "2031-05-31",
        status: "active",
        reference: "AQA 2021/071",
      },
    ],
  },
  framework: "eqf",
  grading: PASS_FAIL,
  identity: "supervised-with-identity-verification",
  qa: "Syllabus and examination approved by the council's industry certification panel; item analysis after every sitting.",
  venue: "Digital Skills Council training centre, Aurelia City",
  units: [
    {
      code: "DSC-CLOUD1",
      title: "Cloud Computing Fundamentals",
      field: "0612",
      level: "4",
      credits: 3,
      mode: "online",
      price: 290,
      validityMonths: 36,
      description: "The concepts, services and economics of public cloud computing, with a first hands-on deployment.",
      objectives: ["Explain cloud computing models and responsibilities.", "Develop first practical cloud skills."],
      outcomes: [
        [
          "K",
          "Explain cloud service models (IaaS, PaaS, SaaS), deployment models and the shared responsibility model.",
          [1],
        ],
        ["S", "Deploy a simple web application on a public cloud using managed services.", [2]],
        ["S", "Estimate and monitor the monthly cost of a cloud deployment.", [2]],
        ["A", "Consider data sovereignty and vendor lock-in when recommending cloud services.", [1]],
      ],
      assessments: [
        ["written-exam", 50, "Proctored certification examination.", [1, 4]],
        ["practical-demonstration", 50, "Hands-on deployment lab with cost report.", [2, 3]],
      ],
      skills: ["DIG.3"],
    },
    {
      code: "DSC-CLOUD2",
      title: "Cloud Architecture and Infrastructure as Code",
      field: "0612",
      level: "5",
      credits: 4,
      mode: "blended",
      price: 490,
      validityMonths: 36,
      description: "Design scalable, resilient cloud systems and manage them as code.",
      objectives: [
        "Explain architecture patterns for the cloud.",
        "Enable learners to design and automate cloud infrastructure.",
      ],
      outcomes: [
        ["K", "Explain patterns for scalable, resilient and secure cloud architectures.", [1]],
        ["S", "Define cloud infrastructure as code with Terraform and manage it through version control.", [2]],
        ["S", "Design a multi-zone architecture with load balancing, autoscaling and backups.", [1, 2]],
        ["A", "Treat security and cost as design principles rather than afterthoughts.", [1]],
      ],
      assessments: [
        ["practical-demonstration", 60, "Practical lab: provision and change an architecture as code.", [2, 3]],
        ["written-exam", 40, "Proctored examination on architecture patterns.", [1, 4]],
      ],
      skills: ["DIG.3", "DIG.6"],
      prerequisites: ["DSC-CLOUD1"],
    },
    {
      code: "DSC-SEC1",
      title: "Cyber Hygiene for Every Employee",
      field: "0611",
      level: "3",
      credits: 8,
      system: "cpd-point",
      mode: "online",
      price: 45,
      validityMonths: 24,
      identity: "unsupervised-no-identity-verification",
      stackability: "stand-alone",
      description: "Everyday security habits that protect you and your organisation.",
      objectives: ["Raise awareness of common threats.", "Build secure everyday habits."],
      outcomes: [
        ["K", "Recognise phishing messages, social engineering and unsafe websites.", [1]],
        [
          "S",
          "Create and manage strong passwords with a password manager and enable multi-factor authentication.",
          [2],
        ],
        ["S", "Report a suspected security incident through the right channel.", [2]],
        ["A", "Take personal responsibility for protecting the organisation's information.", [1, 2]],
      ],
      assessments: [["online-quiz", 100, "Scenario-based online assessment.", [1, 2, 3, 4]]],
      skills: ["DIG.4"],
    },
    {
      code: "DSC-SEC2",
      title: "Security Incident Response",
      field: "0612",
      level: "5",
      credits: 3,
      mode: "blended",
      price: 420,
      validityMonths: 36,
      description: "Detect, contain and learn from security incidents, and meet the reporting duties that apply.",
      objectives: [
        "Explain the incident response life cycle and reporting duties.",
        "Develop practical incident handling skills.",
      ],
      outcomes: [
        ["K", "Explain the incident response life cycle and the reporting duties under the NIS2 Directive.", [1]],
        ["S", "Triage alerts and contain an incident in a simulated environment.", [2]],
        ["S", "Write an incident report and a lessons-learned review.", [1, 2]],
        ["A", "Stay calm and communicate clearly and ethically under pressure.", [2]],
      ],
      assessments: [
        ["practical-demonstration", 70, "Simulated incident exercise with report.", [2, 3, 4]],
        ["written-exam", 30, "Proctored examination on process and law.", [1]],
      ],
      skills: ["DIG.4"],
      prerequisites: ["DSC-SEC1"],
    },
    {
      code: "DSC-AGILE",
      title: "Agile Delivery with Scrum and Kanban",
      field: "0413",
      level: "4",
      credits: 2,
      mode: "blended",
      price: 250,
      description: "Deliver value in short cycles: the practices of Scrum and Kanban in real teams.",
      objectives: ["Introduce Agile values and frameworks.", "Develop practical skills in Agile team practices."],
      outcomes: [
        ["K", "Explain the Agile values and the roles, events and artefacts of Scrum and Kanban.", [1]],
        ["S", "Write user stories with acceptance criteria and plan a sprint.", [2]],
        ["S", "Facilitate a stand-up, a sprint review and a retrospective.", [2]],
        ["A", "Collaborate transparently and welcome feedback from team members and users.", [1, 2]],
      ],
      assessments: [
        ["online-quiz", 40, "Online knowledge check.", [1]],
        ["workplace-observation", 60, "Observation of the learner in a team sprint.", [2, 3, 4]],
      ],
      skills: ["BUS.2", "TRV.2"],
    },
    {
      code: "DSC-DEVOPS",
      title: "Continuous Integration and Delivery Pipelines",
      field: "0613",
      level: "5",
      credits: 4,
      mode: "online",
      price: 450,
      validityMonths: 36,
      description: "Automate testing, packaging and deployment so software can be released safely and often.",
      objectives: ["Explain CI/CD concepts and release strategies.", "Enable learners to build secure pipelines."],
      outcomes: [
        [
          "K",
          "Explain continuous integration, continuous delivery and release strategies such as blue-green and canary.",
          [1],
        ],
        ["S", "Build a pipeline that tests, packages and deploys an application automatically.", [2]],
        ["S", "Add security scanning and automatic rollback to a delivery pipeline.", [2]],
        ["A", "Share responsibility for quality across development and operations.", [1]],
      ],
      assessments: [["project", 100, "Working pipeline for a sample application, with a design note.", [1, 2, 3, 4]]],
      skills: ["DIG.6"],
      prerequisites: [["openlearn-xa:OL-PY01", "Or equivalent programming experience."], "DSC-CLOUD1"],
    },
    {
      code: "DSC-DATA1",
      title: "Data Literacy for Decision Makers",
      field: "0413",
      level: "4",
      credits: 2,
      mode: "online",
      price: 220,
      description: "Read, question and use data in management decisions, without becoming an analyst.",
      objectives: ["Explain key data concepts for managers.", "Develop the ability to use data in decisions."],
      outcomes: [
        ["K", "Explain key data concepts such as averages, variation, samples and correlation versus causation.", [1]],
        ["S", "Read and question the charts and dashboards used in management reports.", [2]],
        ["S", "Formulate data requests that analysts can answer.", [2]],
        ["A", "Base decisions on evidence while staying aware of its limitations.", [2]],
      ],
      assessments: [
        ["online-quiz", 50, "Online assessment with real management dashboards.", [1, 2]],
        ["project", 50, "Decision memo based on a data request and its answer.", [3, 4]],
      ],
      skills: ["DAT.1", "DAT.4"],
    },
  ],
};

const CARE: ProviderProfile = {
  provider: {
    id: "aurelia-care-college",
    name: "Aurelia College of Health and Social Care",
    kind: "college",
    country: "XA",
    region: "Velmora",
    website: "https://www.aurelia-care.example",
    contactEmail: "admissions@aurelia-care.example",
    description:
      "A further-education college training care assistants, senior carers and care team leaders, with " +
      "placements in hospitals, nursing homes and home care services.",
    qualityAssurance:
      "Quality assured by the Aurelia Qualifications Authority; practical assessments moderated by the Care " +
      "Standards Board.",
    identifiers: [{ type: "register-number", value: "XA-FE-0318" }],
    accreditations: [
      {
        framework: "aurelia-nqf",
        minLevel: "3",
        maxLevel: "6",
        fields: ["09"],
        validFrom: "2018-09-01",
        status: "active",
        reference: "AQA further education licence FE/2018/318",
      },
    ],
  },
  framework: "aurelia-nqf",
  grading: DMP,
  identity: "supervised-with-identity-verification",
  qa: "Internally verified by the college's assessment team and externally moderated by the Care Standards Board.",
  venue: "Aurelia College of Health and Social Care, Riverside Campus, Velmora, with work placements",
  furtherInformation: "Free of charge for residents of Aurelia under the national Care Skills Initiative.",
  units: [
    {
      code: "HC101",
      title: "Infection Prevention and Control in Care Settings",
      field: "0913",
      level: "4",
      credits: 3,
      mode: "blended",
      validityMonths: 24,
      description: "Stop infections spreading in care homes, hospitals and people's own homes.",
      objectives: [
        "Explain how infections spread and how they are prevented.",
        "Develop safe infection control practice.",
      ],
      outcomes: [
        ["K", "Explain the chain of infection and standard and transmission-based precautions.", [1]],
        ["S", "Perform hand hygiene and put on and remove personal protective equipment correctly.", [2]],
        ["S", "Clean and decontaminate equipment and manage healthcare waste safely.", [2]],
        ["A", "Protect residents and colleagues by following infection control procedures consistently.", [1, 2]],
      ],
      assessments: [
        ["written-exam", 30, "Short supervised written test.", [1]],
        ["practical-demonstration", 70, "Observed practical assessment in the skills lab.", [2, 3, 4]],
      ],
      skills: ["HLT.1"],
    },
    {
      code: "HC102",
      title: "Person-Centred Care and Communication",
      field: "0913",
      level: "4",
      credits: 5,
      mode: "onsite",
      description: "Put the person first: dignity, consent, communication and accurate records in everyday care.",
      objectives: [
        "Explain the values and principles of person-centred care.",
        "Develop communication and record-keeping skills.",
      ],
      outcomes: [
        ["K", "Explain the principles of person-centred care, dignity and informed consent.", [1]],
        ["S", "Communicate effectively with people who have sensory, cognitive or language difficulties.", [2]],
        ["S", "Write accurate, factual and respectful care records.", [2]],
        ["A", "Respect individuals' choices, culture and privacy in daily care.", [1]],
      ],
      assessments: [
        ["workplace-observation", 60, "Observed practice on placement.", [2, 4]],
        ["portfolio", 40, "Reflective portfolio with anonymised care records.", [1, 3]],
      ],
      skills: ["HLT.2", "TRV.1"],
    },
    {
      code: "HC110",
      title: "Safe Moving and Handling of People",
      field: "0913",
      level: "3",
      credits: 2,
      mode: "onsite",
      validityMonths: 12,
      description: "Move and reposition people safely and comfortably, protecting them and yourself.",
      objectives: ["Prevent injury to people being moved and to care workers."],
      outcomes: [
        ["K", "Describe the legal duties and the risk factors involved in moving and handling people.", [1]],
        ["S", "Use hoists, slide sheets and other aids to reposition and transfer a person safely.", [1]],
        ["A", "Involve the person being moved and respect their comfort and dignity.", [1]],
      ],
      assessments: [
        [
          "practical-demonstration",
          100,
          "Observed practical assessment with oral questions on risk and legal duties.",
          [1, 2, 3],
        ],
      ],
      skills: ["HLT.3"],
    },
    {
      code: "HC120",
      title: "Supporting Safe Medication Administration",
      field: "0913",
      level: "5",
      credits: 4,
      mode: "blended",
      description: "Support people to take their medicines safely, and record and report accurately.",
      objectives: ["Explain safe medication practice.", "Develop safe medication support skills within the role."],
      outcomes: [
        [
          "K",
          "Explain the rights of medication administration and common classes of medicines and their side effects.",
          [1],
        ],
        [
          "S",
          "Support a person to take prescribed medicines and record it accurately on a medication administration record.",
          [2],
        ],
        ["S", "Identify and report medication errors and adverse reactions.", [1, 2]],
        ["A", "Act within the limits of one's role and seek advice when in doubt.", [2]],
      ],
      assessments: [
        ["written-exam", 40, "Supervised written test including dose calculations.", [1]],
        ["practical-demonstration", 60, "Observed medication round on placement.", [2, 3, 4]],
      ],
      skills: ["HLT.4"],
      prerequisites: ["HC102"],
    },
    {
      code: "HC130",
      title: "Dementia Awareness and Support",
      field: "0913",
      level: "5",
      credits: 3,
      mode: "blended",
      description: "Understand dementia and support people living with it to live well.",
      objectives: ["Build understanding of dementia.", "Develop supportive, person-centred dementia care."],
      outcomes: [
        ["K", "Explain the common types of dementia and how they affect memory, communication and behaviour.", [1]],
        ["S", "Use communication and activity approaches that reduce distress for people living with dementia.", [2]],
        ["S", "Contribute to a care plan that includes the person's life story and preferences.", [2]],
        ["A", "Challenge stigma and value the person behind the diagnosis.", [1, 2]],
      ],
      assessments: [
        ["essay", 40, "Written assignment on dementia and stigma.", [1, 4]],
        ["workplace-observation", 60, "Observed practice and care-plan contribution on placement.", [2, 3]],
      ],
      skills: ["HLT.2"],
    },
    {
      code: "HC140",
      title: "First Aid and Basic Life Support",
      field: "0913",
      level: "3",
      credits: 2,
      system: "uk-cats",
      mode: "onsite",
      validityMonths: 36,
      stackability: "stand-alone",
      description:
        "Respond to emergencies until help arrives. Credit-rated in UK CATS points with the partner awarding body.",
      objectives: ["Prepare learners to give effective emergency first aid."],
      outcomes: [
        ["K", "Describe the priorities of first aid and the chain of survival.", [1]],
        ["S", "Perform adult cardiopulmonary resuscitation and use an automated external defibrillator.", [1]],
        ["S", "Manage choking, severe bleeding, burns and an unconscious casualty in the recovery position.", [1]],
        ["A", "Act calmly and promptly while keeping oneself and others safe.", [1]],
      ],
      assessments: [
        ["practical-demonstration", 80, "Scenario-based practical assessment on manikins.", [2, 3, 4]],
        ["online-quiz", 20, "Short knowledge quiz.", [1]],
      ],
      skills: ["HLT.5"],
    },
    {
      code: "HC210",
      title: "Safeguarding Adults at Risk",
      field: "0923",
      level: "6",
      credits: 3,
      mode: "blended",
      description: "Recognise, respond to and report abuse and neglect of adults at risk.",
      objectives: [
        "Explain the forms of abuse and the legal framework for safeguarding.",
        "Enable learners to respond and report appropriately.",
      ],
      outcomes: [
        [
          "K",
          "Explain the types and signs of abuse and neglect and the legal framework for safeguarding adults in Aurelia.",
          [1],
        ],
        ["S", "Respond to a disclosure and record and report concerns according to procedure.", [2]],
        ["S", "Contribute to multi-agency safeguarding meetings and plans.", [2]],
        ["A", "Put the safety and wishes of the adult at the centre of every decision.", [1, 2]],
      ],
      assessments: [
        ["essay", 40, "Written assignment on the safeguarding framework.", [1]],
        ["oral-exam", 60, "Case discussion with the assessor.", [2, 3, 4]],
      ],
      skills: ["HLT.6"],
    },
    {
      code: "HC220",
      title: "Leading a Care Team",
      field: "0913",
      level: "6",
      credits: 5,
      mode: "blended",
      description: "Step up to senior carer: lead shifts, supervise colleagues and keep care safe and person-centred.",
      objectives: [
        "Explain leadership and supervision in care services.",
        "Develop the skills to lead a care team safely.",
      ],
      outcomes: [
        ["K", "Explain models of leadership, supervision and rostering in care services.", [1]],
        ["S", "Lead handovers and supervision sessions that keep care safe and person-centred.", [2]],
        ["S", "Handle conflict and support team members' wellbeing.", [2]],
        ["A", "Model professional values and a culture of openness about mistakes.", [1, 2]],
      ],
      assessments: [
        ["workplace-observation", 50, "Observed shift leadership on placement.", [2, 3]],
        ["portfolio", 50, "Leadership portfolio with reflective accounts.", [1, 4]],
      ],
      skills: ["TRV.6", "HLT.2"],
      prerequisites: ["HC102", "HC210"],
    },
  ],
};

const GREEN: ProviderProfile = {
  provider: {
    id: "greenway-skillnet",
    name: "Greenway Skillnet",
    kind: "industry-body",
    country: "IE",
    region: "Galway",
    website: "https://www.greenway-skillnet.example",
    contactEmail: "training@greenway-skillnet.example",
    description:
      "An Irish enterprise-led training network for the green transition, delivering short courses to businesses " +
      "in Ireland and, through a cross-border agreement, in Aurelia.",
    qualityAssurance:
      "Programmes validated by a partner Irish university under its QQI-approved procedures; recognised in " +
      "Aurelia by the Aurelia Qualifications Authority.",
    identifiers: [
      { type: "register-number", value: "XA-EXT-0009" },
      { type: "company-number", value: "IE-CRO-651204" },
    ],
    accreditations: [
      {
        framework: "eqf",
        minLevel: "4",
        maxLevel: "6",
        fields: ["052", "041", "071"],
        validFrom: "2021-01-01",
        validTo: "2030-12-31",
        status: "active",
        reference: "AQA cross-border recognition CB/2021/009",
      },
    ],
  },
  framework: "eqf",
  grading: PASS_FAIL,
  identity: "supervised-no-identity-verification",
  qa: "Validated by the partner university's academic council; tutor-marked assessments sampled by an external assessor.",
  venue: "Greenway Skillnet Training Centre, Galway, and partner sites in Aurelia",
  pricePerCredit: 90,
  units: [
    {
      code: "GS100",
      title: "Carbon Accounting for SMEs",
      field: "0521",
      level: "5",
      credits: 3,
      mode: "online",
      description: "Measure a small business's carbon footprint and plan how to cut it.",
      objectives: [
        "Explain the standards and data behind carbon accounting.",
        "Enable learners to measure and reduce an SME's emissions.",
      ],
      outcomes: [
        [
          "K",
          "Explain the GHG Protocol scopes 1, 2 and 3 and the main emission factors used by small businesses.",
          [1],
        ],
        ["S", "Calculate an SME's annual carbon footprint from energy bills, travel and purchasing data.", [2]],
        ["S", "Set a reduction target and prioritise abatement actions by cost and impact.", [2]],
        ["A", "Report emissions honestly, including data gaps and uncertainties.", [1, 2]],
      ],
      assessments: [
        ["online-quiz", 30, "Tutor-marked quiz on standards and emission factors.", [1]],
        ["project", 70, "Carbon footprint and reduction plan for a real SME.", [2, 3, 4]],
      ],
      skills: ["GRN.2"],
    },
    {
      code: "GS110",
      title: "Circular Economy Business Models",
      field: "0413",
      level: "5",
      credits: 3,
      mode: "blended",
      description: "Keep products and materials in use: circular business models and how to make the case for them.",
      objectives: [
        "Explain circular economy principles and business models.",
        "Develop the ability to design and justify a circular initiative.",
      ],
      outcomes: [
        [
          "K",
          "Explain circular economy principles and business models such as product-as-a-service, remanufacturing and sharing.",
          [1],
        ],
        ["S", "Map the material flows of a product and identify circular opportunities.", [2]],
        ["S", "Build a business case for a circular initiative.", [2]],
        ["A", "Consider social and environmental impacts alongside financial returns.", [1, 2]],
      ],
      assessments: [
        ["project", 70, "Material-flow map and business case for a company.", [2, 3, 4]],
        ["presentation", 30, "Pitch of the initiative to a panel.", [1, 4]],
      ],
      skills: ["GRN.5", "BUS.3"],
    },
    {
      code: "GS120",
      title: "Heat Pump Systems: Principles and Installation",
      field: "0713",
      level: "4",
      credits: 5,
      mode: "onsite",
      description: "Select, install and commission domestic heat pumps safely and to specification.",
      objectives: ["Explain how heat pumps work.", "Develop safe installation and commissioning skills."],
      outcomes: [
        ["K", "Explain the refrigeration cycle, the coefficient of performance and the types of heat pump.", [1]],
        ["S", "Calculate the heat loss of a dwelling and select a suitably sized heat pump.", [2]],
        ["S", "Commission a heat pump system, including the safe handling of refrigerants under the F-gas rules.", [2]],
        ["A", "Work safely and give householders clear, honest advice.", [2]],
      ],
      assessments: [
        ["written-exam", 30, "Written examination on principles.", [1]],
        ["practical-demonstration", 70, "Practical installation and commissioning assessment.", [2, 3, 4]],
      ],
      skills: ["GRN.3", "GRN.4"],
    },
    {
      code: "GS130",
      title: "Sustainability Reporting under the CSRD",
      field: "0411",
      level: "6",
      credits: 4,
      mode: "online",
      description:
        "Prepare for the Corporate Sustainability Reporting Directive: double materiality and ESRS disclosures.",
      objectives: [
        "Explain the CSRD and the European Sustainability Reporting Standards.",
        "Enable learners to prepare materiality assessments and disclosures.",
      ],
      outcomes: [
        [
          "K",
          "Explain the Corporate Sustainability Reporting Directive, the ESRS and the principle of double materiality.",
          [1],
        ],
        ["S", "Carry out a double materiality assessment for a company.", [2]],
        ["S", "Draft climate and resource-use disclosures in line with ESRS E1 and E5.", [2]],
        ["A", "Uphold transparency and integrity in sustainability claims.", [1, 2]],
      ],
      assessments: [
        ["project", 70, "Materiality assessment and draft disclosures for a case company.", [2, 3, 4]],
        ["online-quiz", 30, "Quiz on the directive and standards.", [1]],
      ],
      skills: ["GRN.7"],
      prerequisites: ["GS100"],
    },
    {
      code: "GS140",
      title: "Biodiversity on Business and Farm Land",
      field: "0522",
      level: "4",
      credits: 2,
      mode: "blended",
      description: "Survey and improve the habitats on the land your business or farm manages.",
      objectives: ["Build understanding of biodiversity and how to protect it on managed land."],
      outcomes: [
        ["K", "Explain the value of biodiversity and the main threats to habitats in Ireland and Aurelia.", [1]],
        ["S", "Survey the habitats on a site and draw up a simple biodiversity action plan.", [1]],
        ["A", "Show stewardship of nature in land management decisions.", [1]],
      ],
      assessments: [["portfolio", 100, "Site survey and biodiversity action plan.", [1, 2, 3]]],
      skills: ["GRN.6"],
    },
  ],
};

const PROFILES: ProviderProfile[] = [UNI, POLY, MOOC, DSC, CARE, GREEN];

// ---------------------------------------------------------------------------------------------
// Drafts with deliberate coherence problems (see DEMO_DRAFT_PROBLEMS)

function buildDrafts(): BundleUnit[] {
  // Objective O3 is served by no outcome; outcome LO4 is not assessed.
  const da240 = buildUnit(
    POLY,
    {
      code: "DA240",
      title: "Time Series Forecasting",
      field: "0542",
      level: "5",
      credits: 5,
      mode: "online",
      description: "Forecast sales, demand and other series over time with classical and machine learning methods.",
      objectives: [
        "Explain the structure of time series data.",
        "Develop forecasting skills with classical methods.",
        "Introduce machine learning approaches to forecasting.",
      ],
      outcomes: [
        ["K", "Explain trend, seasonality, autocorrelation and stationarity in time series.", [1]],
        ["S", "Fit exponential smoothing and ARIMA models and evaluate forecasts on a hold-out period.", [2]],
        ["S", "Produce forecast intervals and communicate their uncertainty to planners.", [2]],
        ["A", "Be honest about forecast uncertainty when it affects other people's decisions.", [2]],
      ],
      assessments: [
        ["online-quiz", 30, "Concept quizzes.", [1]],
        ["project", 70, "Sales forecasting project.", [2, 3]],
      ],
      skills: ["DAT.3"],
      prerequisites: ["DA130"],
    },
    "draft",
  );

  // EQF 6 is above the platform's accredited range (EQF 4-5).
  const cyb09 = buildUnit(
    MOOC,
    {
      code: "OL-CYB09",
      title: "Ethical Hacking and Penetration Testing",
      field: "0612",
      level: "6",
      credits: 5,
      mode: "online",
      price: 199,
      description: "Plan and carry out authorised penetration tests of web applications and networks.",
      objectives: [
        "Explain the methodology and legal limits of penetration testing.",
        "Develop practical testing skills.",
      ],
      outcomes: [
        ["K", "Explain the phases of a penetration test and the legal and contractual limits of testing.", [1]],
        ["S", "Find and exploit common web vulnerabilities in a lab environment.", [2]],
        ["S", "Write a penetration test report with risk ratings and remediation advice.", [2]],
        ["A", "Act only within an agreed scope and disclose findings responsibly.", [1]],
      ],
      assessments: [
        ["online-quiz", 30, "Quiz on methodology and law.", [1, 4]],
        ["project", 70, "Capture-the-flag lab and test report.", [2, 3]],
      ],
      skills: ["DIG.4"],
    },
    "draft",
  );

  // 5 ECTS for 20 hours; HC310 and HC311 require each other.
  const hc310 = buildUnit(
    CARE,
    {
      code: "HC310",
      title: "Advanced Wound Care",
      field: "0913",
      level: "6",
      credits: 5,
      hours: 20,
      mode: "blended",
      description: "Assess and manage complex wounds in community and residential care.",
      objectives: ["Explain wound healing and its complications.", "Develop wound assessment and dressing skills."],
      outcomes: [
        ["K", "Explain the stages of wound healing and the factors that delay it.", [1]],
        ["S", "Assess a wound with a validated tool and choose a suitable dressing.", [2]],
        ["A", "Respect the person's comfort and dignity during wound care.", [2]],
      ],
      assessments: [
        ["written-exam", 40, "Written test on wound healing.", [1]],
        ["practical-demonstration", 60, "Observed wound assessment and dressing.", [2, 3]],
      ],
      skills: ["HLT.1"],
      prerequisites: ["HC311"],
    },
    "draft",
  );

  // LO4 has no dimension; part of the HC310/HC311 cycle.
  const hc311 = buildUnit(
    CARE,
    {
      code: "HC311",
      title: "Tissue Viability Assessment",
      field: "0913",
      level: "6",
      credits: 3,
      mode: "blended",
      description: "Prevent pressure ulcers through risk assessment, repositioning and nutrition.",
      objectives: ["Explain the causes of pressure damage.", "Develop prevention and assessment skills."],
      outcomes: [
        ["K", "Explain how pressure, shear and moisture cause tissue damage.", [1]],
        ["S", "Complete a pressure ulcer risk assessment and plan preventive care.", [2]],
        ["A", "Advocate for people at risk of pressure damage.", [2]],
        [null, "Use the skin inspection chart.", [2]],
      ],
      assessments: [
        ["written-exam", 40, "Written test on causes of pressure damage.", [1]],
        ["workplace-observation", 60, "Observed risk assessment on placement.", [2, 3, 4]],
      ],
      skills: ["HLT.1"],
      prerequisites: ["HC310"],
    },
    "draft",
  );

  // No form of participation (mode) and no unit-level quality assurance statement.
  const chain = buildUnit(
    DSC,
    {
      code: "DSC-CHAIN",
      title: "Blockchain for Supply Chain Traceability",
      field: "0613",
      level: "5",
      credits: 3,
      mode: "online",
      price: 390,
      description: "How distributed ledgers can trace goods through supply chains, and when they are not the answer.",
      objectives: ["Explain distributed ledger technology.", "Enable learners to evaluate traceability solutions."],
      outcomes: [
        ["K", "Explain how distributed ledgers, consensus and smart contracts work.", [1]],
        ["S", "Evaluate whether a blockchain fits a given traceability problem better than a shared database.", [2]],
        ["A", "Judge technology claims critically rather than following hype.", [2]],
      ],
      assessments: [
        ["written-exam", 50, "Proctored examination.", [1]],
        ["project", 50, "Options appraisal for a supply chain case.", [2, 3]],
      ],
      skills: ["DIG.1"],
    },
    "draft",
  );
  delete chain.mode;
  delete chain.venue;
  delete chain.qualityAssurance;

  return [da240, cyb09, hc310, hc311, chain];
}

// ---------------------------------------------------------------------------------------------
// Qualifications

function qualifications(): QualificationSpec[] {
  return [
    {
      awardingBody: "aurelia-poly",
      code: "CERT-DA",
      title: "Certificate in Data Analytics",
      type: "certificate",
      level: { framework: "eqf", level: "5" },
      credits: { value: 30, system: "ects" },
      field: "061",
      description:
        "A one-semester certificate for working adults: SQL, Python, statistics and visualisation, finished with a " +
        "client capstone project.",
      rules: {
        version: 1,
        totalCredits: 30,
        creditSystem: "ects",
        blocks: [
          {
            id: "core",
            title: "Core units",
            all: [
              "aurelia-poly:DA110",
              "aurelia-poly:DA120",
              "aurelia-poly:DA130",
              "aurelia-poly:DA210",
              "aurelia-poly:DA230",
            ],
          },
          {
            id: "electives",
            title: "Electives",
            chooseCredits: 4,
            from: {
              units: [
                "aurelia-poly:DA100",
                "aurelia-poly:DA220",
                "openlearn-xa:OL-DAT02",
                "openlearn-xa:OL-AI01",
                "xa-digital-skills-council:DSC-DATA1",
              ],
            },
          },
        ],
      },
    },
    {
      awardingBody: "uni-aurelia",
      code: "GDIP-DS",
      title: "Graduate Diploma in Data Science",
      type: "diploma",
      level: { framework: "eqf", level: "6" },
      credits: { value: 60, system: "ects" },
      field: "061",
      description:
        "A one-year graduate diploma in statistical learning, machine learning and data engineering, with a research " +
        "project. Up to 15 ECTS may be recognised from other accredited providers.",
      rules: {
        version: 1,
        totalCredits: 60,
        creditSystem: "ects",
        minLevel: { framework: "eqf", level: "5" },
        blocks: [
          {
            id: "core",
            title: "Core units",
            all: [
              "uni-aurelia:DS101",
              "uni-aurelia:DS110",
              "uni-aurelia:DS201",
              "uni-aurelia:DS210",
              "uni-aurelia:DS301",
            ],
          },
          { id: "project", title: "Research project", all: ["uni-aurelia:DS390"] },
          {
            id: "electives",
            title: "Electives",
            chooseCredits: 25,
            from: {
              units: [
                "uni-aurelia:RM200",
                "uni-aurelia:DR205",
                "uni-aurelia:BUS330",
                "uni-aurelia:ENV310",
                "uni-aurelia:PH220",
                "aurelia-poly:DA120",
                "aurelia-poly:DA210",
                "xa-digital-skills-council:DSC-CLOUD2",
              ],
              fields: ["06", "0542"],
              minLevel: { framework: "eqf", level: "5" },
            },
          },
        ],
        limits: { maxCreditsFromOtherProviders: 15 },
      },
    },
    {
      awardingBody: "uni-aurelia",
      code: "BSC-DS",
      title: "Bachelor of Science in Data Science",
      type: "bachelor-degree",
      level: { framework: "eqf", level: "6" },
      credits: { value: 180, system: "ects" },
      field: "061",
      description:
        "A three-year first-cycle degree that can also be built up part-time from the University's " +
        "micro-credentials and recognised credit from other providers.",
      rules: {
        version: 1,
        totalCredits: 180,
        creditSystem: "ects",
        blocks: [
          {
            id: "foundations",
            title: "Foundations",
            all: ["uni-aurelia:DS101", "uni-aurelia:DS110", "uni-aurelia:RM200"],
          },
          {
            id: "core",
            title: "Computing and data core",
            chooseCredits: 60,
            from: { fields: ["061", "0542"], minLevel: { framework: "eqf", level: "5" } },
          },
          {
            id: "electives",
            title: "Free electives",
            chooseCredits: 95,
            from: { fields: ["*"], minLevel: { framework: "eqf", level: "4" } },
          },
          { id: "capstone", title: "Capstone", all: ["uni-aurelia:DS390"] },
        ],
        limits: { maxCreditsFromOtherProviders: 90, maxCreditsBelowLevel: { level: "5", credits: 30 } },
      },
    },
    {
      awardingBody: "xa-digital-skills-council",
      code: "MCP-CLOUD",
      title: "Cloud and Agile Delivery Micro-credential Programme",
      type: "micro-credential-programme",
      level: { framework: "eqf", level: "4" },
      credits: { value: 10, system: "ects" },
      field: "061",
      description: "An industry-recognised programme for people moving into cloud and delivery roles.",
      rules: {
        version: 1,
        totalCredits: 10,
        creditSystem: "ects",
        blocks: [
          {
            id: "core",
            title: "Core units",
            all: [
              "xa-digital-skills-council:DSC-CLOUD1",
              "xa-digital-skills-council:DSC-AGILE",
              "xa-digital-skills-council:DSC-DATA1",
            ],
          },
          {
            id: "electives",
            title: "Electives",
            chooseCredits: 3,
            from: {
              units: [
                "xa-digital-skills-council:DSC-CLOUD2",
                "xa-digital-skills-council:DSC-SEC2",
                "xa-digital-skills-council:DSC-DEVOPS",
                "openlearn-xa:OL-DIG01",
                "openlearn-xa:OL-AI01",
              ],
            },
          },
        ],
      },
    },
    {
      awardingBody: "aurelia-care-college",
      code: "AWD-CARE",
      title: "Award in Foundations of Care Practice",
      type: "award",
      level: { framework: "aurelia-nqf", level: "4" },
      credits: { value: 10, system: "ects" },
      field: "0913",
      description: "The entry award for care assistants in Aurelia's health and social care services.",
      rules: {
        version: 1,
        totalCredits: 10,
        creditSystem: "ects",
        creditConversion: { "uk-cats": 0.5 },
        blocks: [
          {
            id: "core",
            title: "Core units",
            all: ["aurelia-care-college:HC101", "aurelia-care-college:HC102"],
          },
          {
            id: "options",
            title: "Options",
            chooseCredits: 2,
            from: {
              units: ["aurelia-care-college:HC110", "aurelia-care-college:HC130", "aurelia-care-college:HC140"],
            },
          },
        ],
      },
    },
    {
      awardingBody: "greenway-skillnet",
      code: "CERT-SBP",
      title: "Certificate in Sustainable Business Practice",
      type: "certificate",
      level: { framework: "eqf", level: "5" },
      credits: { value: 15, system: "ects" },
      field: "052",
      description: "Carbon, circularity and reporting for sustainability leads in small and medium enterprises.",
      rules: {
        version: 1,
        totalCredits: 15,
        creditSystem: "ects",
        blocks: [
          {
            id: "core",
            title: "Core units",
            all: ["greenway-skillnet:GS100", "greenway-skillnet:GS110", "greenway-skillnet:GS130"],
          },
          {
            id: "electives",
            title: "Electives",
            chooseCredits: 5,
            from: {
              units: [
                "greenway-skillnet:GS120",
                "greenway-skillnet:GS140",
                "openlearn-xa:OL-GRN01",
                "uni-aurelia:ENV301",
                "uni-aurelia:ENV310",
              ],
            },
          },
        ],
      },
    },
  ];
}
