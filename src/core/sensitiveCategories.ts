// Categories Image Triage refuses to classify, and the word-boundary rules that detect them.
//
// Refused (a category's name or description asks for one of these):
//   person-identity               who a pictured person is: face recognition, naming or matching individuals
//   legal-determination           guilt, liability, fault, criminality, immigration or legal status
//   protected-attribute: <attr>   a person's race-ethnicity, religion, sexual-orientation, gender-identity,
//                                 disability or health, inferred from how they look
//   medical-diagnosis             diseases, symptoms, skin conditions, "needs a doctor"
//
// Allowed: content moderation of what an image shows (nudity, violence, gore, weapons, drugs, hate symbols,
// self-harm imagery, spam, ...), and products, damage, scenes, objects.
//
// Two documented exemptions keep moderation and agriculture usable:
//   - protected-attribute rules do not fire when the category is about hateful content (hate, slurs, racism,
//     antisemitism, homophobia, discrimination, harassment, extremism, supremacist or Nazi symbols, "anti-X"):
//     such a category classifies content that targets people, not the pictured person's attributes.
//   - medical-diagnosis does not fire when the text is about plants (leaf, crop, tree, ...) and mentions no
//     person, patient, skin, doctor or body.
// Religion words followed by an object noun ("religious symbols", "islamic architecture") are not refused.
//
// This is a guardrail against accidental misuse by people acting in good faith, not a security boundary:
// determined wording can get past any word list. Rules are matched on lower-cased text in which `_`, `-`,
// `.`, `/` and camelCase boundaries become spaces, so `gay_couple` and `gayCouple` read as "gay couple".
import type { Category } from './types';

export interface SensitiveRule {
  /** Stable id shown to users, e.g. `protected-attribute: religion`. */
  id: string;
  /** Short human title, e.g. "A person's religion". */
  title: string;
  /** Why the rule exists, one or two sentences, shown in the refusal. */
  reason: string;
  /** Matched against normalized (lower-cased, separators as spaces) name and description. */
  patterns: RegExp[];
  /** Matched against the original text with `_` as spaces (for capitalised personal names). */
  caseSensitivePatterns?: RegExp[];
  /** When true, a category about hateful content (see HATE_CONTEXT) is not refused by this rule. */
  exemptInHateContext?: boolean;
  /** Extra exemption on the normalized name + description. */
  exempt?: (text: string) => boolean;
}

export interface SensitiveFinding {
  ruleId: string;
  title: string;
  reason: string;
  field: 'name' | 'description';
  /** The text that matched, as normalized. */
  match: string;
}

/** Lower-case; `_ - – — . /` and camelCase boundaries become spaces; curly apostrophes become `'`. */
export function normalizeForMatching(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[_\-\u2013\u2014./]+/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const PERSON =
  "(?:person|persons|people|man|men|woman|women|boy|boys|girl|girls|child|children|kid|kids|baby|babies|teens?|teenagers?|adults?|individuals?|guy|guys|couples?|family|families|students?|employees?|customers?|users?|workers?|drivers?|athletes?|someone|somebody|neighbou?rs?|partners?|parents?|mothers?|fathers?|friends?)";

/** `<group> <person noun>` ("gay couple") and `<person noun> who is/looks <group>` ("a person who is Muslim"). */
function aboutPeople(group: string): RegExp[] {
  return [
    new RegExp(`\\b(?:${group})\\s+${PERSON}\\b`),
    new RegExp(
      `\\b${PERSON}\\s+(?:who|that)\\s+(?:is|are|was|were|looks?|appears?|seems?|identif(?:y|ies)\\s+as)\\s+(?:(?:a|an|likely|probably|visibly|openly|clearly|obviously)\\s+)*(?:${group})\\b`,
    ),
  ];
}

/** Nouns that make a religion word describe an object rather than a person. */
const RELIGION_OBJECTS =
  '(?:symbols?|buildings?|architecture|art|artworks?|imagery|icons?|iconography|texts?|scriptures?|books?|manuscripts?|calligraphy|ceremon(?:y|ies)|holidays?|festivals?|sites?|monuments?|temples?|church(?:es)?|mosques?|synagogues?|shrines?|statues?|objects?|artifacts?|artefacts?|decorations?|ornaments?|cuisine|food|music)';

/** The category is about hateful content that targets people, not about the pictured person. */
export const HATE_CONTEXT =
  /\b(?:hate|hateful|hatred|slurs?|racis[mt]s?|antisemit\w*|homophob\w*|transphob\w*|islamophob\w*|xenophob\w*|bigot\w*|discriminat\w*|harass\w*|extremis[mt]s?|propaganda|supremac\w*|nazis?|neo nazis?|swastikas?|kkk|dehumaniz\w*|anti (?:muslim|semitic|gay|black|asian|jewish|immigrant|lgbt\w*|trans|christian))\b/;

const PLANT_CONTEXT =
  /\b(?:plants?|leaf|leaves|crops?|trees?|fruits?|vegetables?|foliage|seedlings?|lawns?|grass|wheat|corn|maize|rice|tomato(?:es)?|potato(?:es)?|grapes?|vines?|flowers?|shrubs?|bark|garden)\b/;
const HUMAN_CONTEXT =
  /\b(?:person|people|human|humans|patients?|man|men|woman|women|child|children|baby|babies|skin|doctor|physician|dermatolog\w*|body)\b/;

const ROLES =
  '(?:persons?|people|individuals?|celebrit(?:y|ies)|faces?|politicians?|actors?|actress(?:es)?|athletes?|employees?|customers?|suspects?|man|men|woman|women|child|children|kids?|students?|players?|singers?|musicians?|stars?|famous \\w+|subjects?)';

export const SENSITIVE_RULES: readonly SensitiveRule[] = [
  {
    id: 'person-identity',
    title: 'Identifying a person',
    reason:
      'Recognising who a pictured person is (face recognition, naming or matching individuals) is a privacy harm, and image models name people confidently and wrongly.',
    patterns: [
      /\bwho\s+(?:is|are)\s+(?:this|that|these|those|the|he|she|they)\b/,
      new RegExp(
        `\\b(?:identify|identifies|identifying|identification of|recogni[sz]e|recogni[sz]es|recogni[sz]ing|recognition of|name|names|naming)\\s+(?:(?:the|this|that|which|a|an|each|every|specific|individual|particular|known)\\s+)*${ROLES}\\b`,
      ),
      /\bwhich\s+(?:celebrit(?:y|ies)|persons?|people|individuals?|politicians?|actors?|actress(?:es)?|athletes?|employees?|players?|singers?|famous \w+)\b/,
      /\b(?:face|facial|faces)\s+(?:recognition|identification|matching|match|id|ids|verification)\b/,
      /\b(?:persons?|people|celebrit(?:y|ies)|face|faces|individuals?)\s+(?:id|ids|identity|identities|identification|recognition|re ?identification)\b/,
      /\b(?:identity|identities|names?)\s+of\s+(?:the\s+|this\s+|that\s+|each\s+)?(?:persons?|people|individuals?|m[ae]n|wom[ae]n|subjects?|celebrit(?:y|ies))\b/,
      /\b(?:person|people|individual|subject)'s\s+(?:identity|name)\b/,
      /\bbiometric\s+(?:identification|recognition|matching|data)\b/,
    ],
    // "is this John Smith", "is he Barack Obama"
    caseSensitivePatterns: [/\b[Ii]s\s+(?:this|that|he|she|it)\s+(?:(?:person|man|woman|guy)\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)+\b/],
  },
  {
    id: 'legal-determination',
    title: 'A legal determination',
    reason:
      'A photo cannot establish guilt, liability, fault, criminality or immigration status; those are decided by due process, not by an image classifier.',
    patterns: [
      /\bguilt(?:y|iness)?\b/,
      /\bliab(?:le|ility|ilities)\b(?!\s+(?:waivers?|insurance|forms?|releases?|polic(?:y|ies))\b)/,
      /\bat fault\b/,
      /\bcriminals?\b(?!\s+(?:activit(?:y|ies)|acts?)\b)/,
      /\bcommit(?:s|ted|ting)?\s+(?:a\s+|an\s+|the\s+)?(?:crimes?|offen[cs]es?|felon(?:y|ies)|fraud|murder|theft)\b/,
      /\bfelon(?:s|y|ies)?\b/,
      /\bconvict(?:s|ed)?\b/,
      /\boffenders?\b/,
      /\b(?:illegal|undocumented)\s+(?:immigrants?|aliens?|migrants?|immigration|workers?|status)\b/,
      /\b(?:immigration|legal|citizenship|asylum|visa|residency)\s+status\b/,
      /\b(?:broke|breaks|breaking|broken)\s+the\s+law\b/,
      /\blegal(?:ly)?\s+(?:responsible|responsibility|determination|judge?ments?|verdicts?)\b/,
      /\bverdicts?\b/,
      /\b(?:crime|criminal|police|murder|theft)\s+suspects?\b/,
      /\bis\s+(?:this|it|that|he|she)\s+(?:legal|illegal|lawful|unlawful)\b/,
    ],
  },
  {
    id: 'protected-attribute: race-ethnicity',
    title: "A person's race or ethnicity",
    reason: "Inferring a person's race or ethnicity from their appearance is unreliable and discriminatory.",
    exemptInHateContext: true,
    patterns: [
      /\b(?:ethnicity|ethnicities|ethnically|racial|racially|caucasians?|hispanics?|latin[oa]s?|latinx|biracial|mixed race|african americans?|aboriginals?)\b/,
      new RegExp(`\\bethnic\\s+(?:groups?|origins?|backgrounds?|minorit(?:y|ies)|${PERSON})\\b`),
      /\b(?:people|persons?) of colou?r\b/,
      /\bof\s+(?:\w+\s+)?(?:descent|ancestry)\b/,
      /\b(?:person's|people's|their|his|her|what|which|guess|guessing|determine|determining|identify|identifying|classify|classifying|predict|predicting|infer|inferring|estimate)\s+(?:the\s+)?(?:race|skin colou?r|skin tone)\b/,
      new RegExp(`\\b(?:race|skin colou?r|skin tone)\\s+of\\s+(?:the\\s+|this\\s+|a\\s+)?${PERSON}`),
      ...aboutPeople(
        'black|white|brown|asian|african|arab|arabs|indian|chinese|japanese|korean|mexican|european|middle eastern|indigenous|native american|roma|gypsy|gypsies',
      ),
    ],
  },
  {
    id: 'protected-attribute: religion',
    title: "A person's religion",
    reason: "Inferring a person's religion from their appearance is unreliable and discriminatory.",
    exemptInHateContext: true,
    patterns: [
      /\b(?:religions|muslims|christians|jews?|hindus|buddhists|sikhs|catholics|protestants|atheists?|mormons|islam)\b/,
      new RegExp(
        `\\b(?:religion|religious|muslim|islamic|christian|jewish|hindu|buddhist|sikh|catholic|protestant|mormon)\\b(?!\\s+${RELIGION_OBJECTS}\\b)`,
      ),
    ],
  },
  {
    id: 'protected-attribute: sexual-orientation',
    title: "A person's sexual orientation",
    reason: "Inferring a person's sexual orientation from a photo is unreliable and can put people in danger.",
    exemptInHateContext: true,
    patterns: [
      /\b(?:gays?|lesbians?|bisexuals?|homosexual(?:s|ity)?|heterosexual(?:s|ity)?|sexual orientation|sexuality|lgbt\w*|queer|pansexuals?)\b/,
      ...aboutPeople('straight|asexual'),
    ],
  },
  {
    id: 'protected-attribute: gender-identity',
    title: "A person's gender identity",
    reason: "Inferring a person's gender identity from how they look is unreliable and discriminatory.",
    exemptInHateContext: true,
    patterns: [
      /\b(?:transgenders?|transsexuals?|gender identity|genderqueer|cisgender|intersex|nonbinary|non binary)\b/,
      /\b(?:person's|people's|their|his|her|what|which|guess|guessing|determine|determining|classify|classifying|predict|predicting|infer|inferring)\s+(?:the\s+)?gender\b/,
      new RegExp(`\\bgender\\s+of\\s+(?:the\\s+|this\\s+|a\\s+)?${PERSON}`),
      ...aboutPeople('trans'),
    ],
  },
  {
    id: 'protected-attribute: disability',
    title: "A person's disability",
    reason: 'Classifying people by disability from a photo is unreliable and discriminatory.',
    exemptInHateContext: true,
    patterns: [
      /\bdisabilit(?:y|ies)\b/,
      /\bwheelchair users?\b/,
      /\b(?:in|uses?|using)\s+a\s+wheelchair\b/,
      /\bamputees?\b/,
      /\bdeaf\b/,
      /\b(?:hearing|visually|sight|mobility|cognitively|intellectually)\s+impaired\b/,
      /\b(?:hearing|visual|vision|cognitive|intellectual|mobility)\s+impairments?\b/,
      /\b(?:paraplegic|quadriplegic|tetraplegic)s?\b/,
      /\bdown'?s?\s+syndrome\b/,
      /\bcrippled?\b/,
      /\bspecial needs\b/,
      ...aboutPeople('disabled|blind|handicapped'),
    ],
  },
  {
    id: 'protected-attribute: health',
    title: "A person's health",
    reason: "Inferring a person's health status (pregnancy, weight, mental health, HIV, addiction) from a photo is unreliable and discriminatory.",
    exemptInHateContext: true,
    patterns: [
      /\bpregnan(?:t|cy|cies)\b/,
      /\bobes(?:e|ity)\b/,
      /\bhiv\b/,
      /\bmental(?:ly)?\s+(?:ill|illness|illnesses|health|disorders?)\b/,
      /\bautis(?:m|tic)\b/,
      /\badhd\b/,
      /\bdementia\b/,
      /\balzheimer'?s?\b/,
      /\baddict(?:s|ed|ion)?\b/,
      /\bschizophren\w*/,
      /\bbipolar\b/,
      /\banorexi\w*|\bbulimi\w*|\beating disorders?\b/,
      /\bhealth\s+(?:status|conditions?|problems?|issues?)\b/,
      ...aboutPeople('overweight|depressed|sick|ill'),
    ],
  },
  {
    id: 'medical-diagnosis',
    title: 'A medical diagnosis',
    reason:
      'Diagnosing a medical condition from a photo needs a clinician and a validated medical device; general image models are neither.',
    exempt: (text) => PLANT_CONTEXT.test(text) && !HUMAN_CONTEXT.test(text),
    patterns: [
      /\bdiagnos\w*/,
      /\bprognos\w*/,
      /\bsymptoms?\b/,
      /\bdiseas(?:e|es|ed)\b/,
      /\billness(?:es)?\b/,
      /\bsick(?:ness)?\b/,
      /\bdisorders?\b/,
      /\bsyndromes?\b/,
      /(?<!\b(?:virus|malware|ransomware|computer|software)\s)\binfections?\b/,
      /\bcancer(?:s|ous)?\b/,
      /\btumou?rs?\b/,
      /\b(?:melanomas?|carcinomas?|malignan\w*)\b/,
      /\blesions?\b/,
      /\brash(?:es)?\b/,
      /\b(?:eczema|psoriasis|dermatitis|acne|pneumonia|covid|diabet\w*)\b/,
      /\b(?:skin|medical|health|heart|lung|eye)\s+conditions?\b/,
      /\b(?:need|needs|see|seeing|consult|consulting|require|requires)\s+(?:a\s+|the\s+)?(?:doctor|physician|dermatologist|specialist|medical attention|medical care|treatment)\b/,
      /\bdermatolog\w*/,
      /\bpatients?\b/,
      /\bpatholog\w*/,
      /\bmedical(?:ly)?\s+(?:advice|assessment|evaluation|opinion|problems?|issues?|findings?)\b/,
      /\bclinical\s+(?:findings?|signs?|assessment|evaluation)\b/,
      /\bfractured?\s+(?:bones?|arms?|legs?|wrists?|ribs?|skull|ankles?)\b/,
    ],
  },
];

/**
 * The first rule (in SENSITIVE_RULES order) that the category's name or description triggers, or
 * undefined when the category is allowed. The name is checked before the description.
 */
export function findSensitiveRule(category: Category): SensitiveFinding | undefined {
  const fields: { field: 'name' | 'description'; raw: string }[] = [
    { field: 'name', raw: category.name },
    { field: 'description', raw: category.description },
  ];
  const normalized = fields.map((f) => ({ ...f, text: normalizeForMatching(f.raw), spaced: f.raw.replace(/_+/g, ' ') }));
  const all = normalized.map((f) => f.text).join(' \n ');
  const hateContext = HATE_CONTEXT.test(all);
  for (const rule of SENSITIVE_RULES) {
    if (rule.exemptInHateContext && hateContext) continue;
    if (rule.exempt?.(all)) continue;
    for (const f of normalized) {
      for (const re of rule.patterns) {
        const m = re.exec(f.text);
        if (m) return finding(rule, f.field, m[0]);
      }
      for (const re of rule.caseSensitivePatterns ?? []) {
        const m = re.exec(f.spaced);
        if (m) return finding(rule, f.field, m[0]);
      }
    }
  }
  return undefined;
}

function finding(rule: SensitiveRule, field: 'name' | 'description', match: string): SensitiveFinding {
  return { ruleId: rule.id, title: rule.title, reason: rule.reason, field, match };
}
