import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CategoriesError,
  DEFAULT_TEMPLATES,
  categoriesHash,
  fillTemplate,
  humanizeName,
  parseCategories,
} from '../../../src/core/categories';
import { findSensitiveRule } from '../../../src/core/sensitiveCategories';
import type { CategorySet } from '../../../src/core/types';

const WARRANTY = `{ "mode": "single_label",
  "categories": [
    {"name": "warranty_claim", "description": "Image shows a damaged or defective product purchased from us, suitable for warranty handling."},
    {"name": "shipping_damage", "description": "Image shows damage that happened during shipping (crushed box, broken-in-transit goods)."}
  ],
  "templates": ["a photo of {name}", "{description}"] }`;

/** Parse expecting failure; returns the error. */
function problemsOf(text: string, source?: string): CategoriesError {
  try {
    parseCategories(text, source);
  } catch (e) {
    assert.ok(e instanceof CategoriesError, `expected CategoriesError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected parseCategories to throw');
}

function two(extra: Record<string, unknown> = {}, cats?: unknown[]): string {
  return JSON.stringify({
    mode: 'single_label',
    categories: cats ?? [
      { name: 'cat', description: 'A photo of a cat.' },
      { name: 'dog', description: 'A photo of a dog.' },
    ],
    ...extra,
  });
}

test('the README example parses into the set the classifiers use', () => {
  const { set, warnings } = parseCategories(WARRANTY, 'categories.json');
  assert.equal(set.mode, 'single_label');
  assert.deepEqual(
    set.categories.map((c) => c.name),
    ['warranty_claim', 'shipping_damage'],
  );
  assert.match(set.categories[1].description, /^Image shows damage that happened during shipping/);
  assert.deepEqual(set.templates, ['a photo of {name}', '{description}']);
  assert.deepEqual(warnings, []);
});

test('comments and trailing commas are accepted, and // inside strings is kept', () => {
  const text = `// Image Triage categories (example written by the extension)
{
  /* one label per image */
  "mode": "multi_label", // or single_label
  "categories": [
    { "name": "has_url", "description": "A screenshot showing the link https://example.com/a//b and /* not a comment */", },
    { "name": "no_url", "description": "A screenshot with no link.", },
  ],
}
`;
  const { set } = parseCategories(text);
  assert.equal(set.mode, 'multi_label');
  assert.equal(set.categories[0].description, 'A screenshot showing the link https://example.com/a//b and /* not a comment */');
  assert.equal(set.categories.length, 2);
});

test('missing templates fall back to the documented defaults; missing mode defaults to single_label with a warning', () => {
  const { set, warnings } = parseCategories(JSON.stringify({ categories: JSON.parse(two()).categories }));
  assert.equal(set.mode, 'single_label');
  assert.deepEqual(set.templates, [...DEFAULT_TEMPLATES]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /"mode" is missing; using "single_label"/);
});

test('invalid JSON reports line:column and names the file', () => {
  const err = problemsOf('{\n  "mode": "single_label",\n  "categories": [ { "name": "a" } }\n}', '/data/categories.json');
  assert.equal(err.problems.length, 1);
  assert.match(err.problems[0], /^invalid JSON at 3:35: expected ',' or '\]' after an array element, got "}"/);
  assert.match(err.message, /\/data\/categories\.json/);
  assert.equal(err.source, '/data/categories.json');

  assert.match(problemsOf('').problems[0], /invalid JSON at 1:1: the file is empty/);
  assert.match(problemsOf("{'mode': 1}").problems[0], /invalid JSON at 1:2: expected a property name in double quotes/);
  assert.match(problemsOf('{"a": 1} x').problems[0], /invalid JSON at 1:10: unexpected "x" after the end/);
  assert.match(problemsOf('{"a": "line\nbreak"}').problems[0], /invalid JSON at 1:12: line break or control character inside a string/);
  assert.match(problemsOf('{"a": 1 /* never closed').problems[0], /invalid JSON at 1:9: unterminated \/\* comment/);
});

test('the top level must be an object and categories an array', () => {
  assert.deepEqual(problemsOf('[1, 2]').problems, [
    'the top level must be an object with "mode", "categories" and "templates" (got an array)',
  ]);
  assert.match(problemsOf('null').problems[0], /got null/);
  assert.deepEqual(problemsOf('{"mode": "single_label", "categories": {"cat": "a cat"}}').problems, [
    'categories must be an array of {"name", "description"} objects (got an object)',
  ]);
  assert.match(problemsOf('{"mode": "single_label"}').problems[0], /"categories" is missing/);
});

test('every problem is listed at once, each naming its field precisely', () => {
  const text = JSON.stringify({
    mode: 'x',
    categories: [
      { name: 'cat', description: 'A cat.' },
      { name: 'dog', description: '   ' },
      { name: '  ', description: 'Nothing.' },
      { name: ' Cat ', description: 'Another cat.' },
      'bird',
      { name: 42, description: 'A number.' },
      { name: 'review', description: 'Reserved.' },
      { name: 'x'.repeat(65), description: 'Too long.' },
      { name: 'tab\there', description: 'Control character.' },
      { description: 'No name.' },
    ],
    templates: ['a photo of {name}', 'a photo', 'a {foo} of {name}', 7],
  });
  const err = problemsOf(text, 'cats.json');
  assert.deepEqual(err.problems, [
    'mode must be "single_label" or "multi_label" (got "x")',
    'categories[1].description is empty: say in a sentence what an image of this category shows',
    'categories[2].name is empty',
    'categories[3].name "Cat" duplicates categories[0].name',
    'categories[4] must be an object with "name" and "description" (got a string)',
    'categories[5].name must be a string (got a number)',
    'categories[6].name "review" is reserved: "review" is the route for images that fit no category',
    `categories[7].name "${'x'.repeat(40)}…" is 65 characters; the limit is 64`,
    'categories[8].name "tab\\there" contains a control character (line break, tab, ...)',
    'categories[9].name is missing',
    'templates[1] "a photo" has no {name} or {description} placeholder',
    'templates[2] "a {foo} of {name}" has unknown placeholder {foo}; use {name} or {description}',
    'templates[3] must be a string (got a number)',
  ]);
  assert.match(err.message, /^Invalid categories file cats\.json \(13 problems\):\n {2}- mode must be/);
});

test('names are trimmed and the reserved word is matched case-insensitively', () => {
  const { set } = parseCategories(two({}, [
    { name: '  cat  ', description: '  A cat.  ' },
    { name: 'dog', description: 'A dog.' },
  ]));
  assert.deepEqual(set.categories[0], { name: 'cat', description: 'A cat.' });
  assert.match(problemsOf(two({}, [{ name: 'Review', description: 'x' }, { name: 'b', description: 'y' }])).problems[0], /is reserved/);
});

test('fewer than two categories is refused with a yes/no suggestion', () => {
  const one = problemsOf(two({}, [{ name: 'damaged', description: 'A damaged product.' }]));
  assert.equal(one.problems.length, 1);
  assert.match(one.problems[0], /categories has 1 entry; at least 2 are needed, because zero-shot classification picks among alternatives/);
  assert.match(one.problems[0], /"damaged" and "not_damaged"/);
  assert.match(problemsOf(two({}, [])).problems[0], /categories has 0 entries/);
});

test('more than ten categories parses with an accuracy warning', () => {
  const cats = Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, description: `Category number ${i}.` }));
  const { set, warnings } = parseCategories(two({}, cats));
  assert.equal(set.categories.length, 11);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^11 categories: accuracy drops/);
  const ten = parseCategories(two({}, cats.slice(0, 10)));
  assert.deepEqual(ten.warnings, []);
});

test('unknown fields and repeated templates are warnings, not errors', () => {
  const { warnings } = parseCategories(
    two({ templats: [], templates: ['{name}', '{name}'] }, [
      { name: 'a', descripton: 'typo', description: 'An a.' },
      { name: 'b', description: 'A b.' },
    ]),
  );
  assert.deepEqual(warnings, [
    'unknown field "templats" is ignored (expected "mode", "categories", "templates", "thresholds")',
    'categories[0] has unknown field "descripton", which is ignored (expected "name", "description")',
    'templates[1] "{name}" repeats an earlier template',
  ]);
});

test('a key given twice is a warning with its line, and the last value is used', () => {
  const text = '{\n  "mode": "single_label",\n  "mode": "multi_label",\n  "categories": ' + JSON.stringify(JSON.parse(two()).categories) + '\n}';
  const { set, warnings } = parseCategories(text);
  assert.equal(set.mode, 'multi_label');
  assert.deepEqual(warnings, ['line 3, column 3: key "mode" appears twice in one object; the last one is used']);
});

test('an empty templates array is refused rather than silently using the defaults', () => {
  assert.match(problemsOf(two({ templates: [] })).problems[0], /templates is empty; remove "templates" to use the defaults/);
  assert.match(problemsOf(two({ templates: 'a photo of {name}' })).problems[0], /templates must be an array of strings \(got a string\)/);
});

test('humanizeName and fillTemplate fill prompts with readable words', () => {
  assert.equal(humanizeName('shipping_damage'), 'shipping damage');
  assert.equal(humanizeName('not__damaged_'), 'not damaged');
  assert.equal(humanizeName('t-shirt'), 't-shirt');
  const c = { name: 'shipping_damage', description: 'Crushed box; costs $1 {name}' };
  assert.equal(fillTemplate('a photo of {name}.', c), 'a photo of shipping damage.');
  // $-patterns and placeholders inside the description are inserted literally, not re-expanded.
  assert.equal(fillTemplate('{description} / {name}', c), 'Crushed box; costs $1 {name} / shipping damage');
  assert.deepEqual(
    DEFAULT_TEMPLATES.map((t) => fillTemplate(t, c)),
    ['a photo of shipping damage.', 'a photo showing shipping damage.', 'Crushed box; costs $1 {name}'],
  );
});

test('categoriesHash is stable and changes with any description, name, order, mode or template', () => {
  const base: CategorySet = parseCategories(WARRANTY).set;
  const h = categoriesHash(base);
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.equal(categoriesHash(parseCategories(WARRANTY).set), h);
  const variants: CategorySet[] = [
    { ...base, categories: [base.categories[0], { ...base.categories[1], description: base.categories[1].description + ' ' }] },
    { ...base, categories: [{ ...base.categories[0], name: 'warranty' }, base.categories[1]] },
    { ...base, categories: [base.categories[1], base.categories[0]] },
    { ...base, mode: 'multi_label' },
    { ...base, templates: [...base.templates, 'a picture of {name}'] },
  ];
  const hashes = new Set([h, ...variants.map(categoriesHash)]);
  assert.equal(hashes.size, variants.length + 1);
});

const ALLOWED: [string, string][] = [
  ['hate_symbol', 'image contains hate symbols such as swastikas'],
  ['hate_speech', 'text or symbols attacking people based on race, religion or sexual orientation'],
  ['damaged_product', 'the product arrived broken, cracked or dented'],
  ['warranty_claim', 'Image shows a damaged or defective product purchased from us, suitable for warranty handling.'],
  ['shipping_damage', 'Image shows damage that happened during shipping (crushed box, broken-in-transit goods).'],
  ['nudity', 'image contains nudity or sexual content'],
  ['violence', 'people fighting, assault, visible blood'],
  ['gore', 'graphic injuries, mutilation or dead bodies'],
  ['weapons', 'guns, knives or other weapons'],
  ['self_harm', 'imagery of self-harm such as cuts or burns on arms'],
  ['spam', 'screenshot of spam, scam text or unsolicited ads'],
  ['drugs', 'drugs or drug paraphernalia such as pills and syringes'],
  ['black_product', 'a black phone case on a white background'],
  ['race_car', 'a race car on a track'],
  ['religious_symbol', 'image shows religious symbols such as a cross or a crescent'],
  ['plant_disease', 'tomato leaves with blight or fungal disease spots'],
  ['cracked_screen', 'a phone with a fractured or cracked screen'],
  ['person_present', 'a person is visible in the image'],
  ['disabled_button', 'a UI screenshot with a greyed-out disabled button'],
  ['wheelchair_product', 'a product photo of a wheelchair for our catalog'],
  ['criminal_activity', 'image shows criminal activity such as vandalism or graffiti'],
  ['clock', 'a wall clock with a white face'],
  ['bw_portrait', 'a black and white photo of a man'],
  ['asian_food', 'asian cuisine dishes'],
  ['liability_waiver', 'a photo of a signed liability waiver'],
  ['malware_warning', 'a screenshot of a virus infection warning'],
  ['identify_plant', 'identify the plant species'],
  ['id_document', 'a photo of a passport or ID card'],
];

const REFUSED: [string, string, string][] = [
  ['skin_rash', 'a photo of a skin condition that needs a doctor', 'medical-diagnosis'],
  ['melanoma', 'a mole that may be cancer', 'medical-diagnosis'],
  ['xray_finding', 'diagnose pneumonia from the chest image', 'medical-diagnosis'],
  ['muslim', 'a person who is Muslim', 'protected-attribute: religion'],
  ['jewish_person', 'a Jewish man', 'protected-attribute: religion'],
  ['gay_couple', 'two men holding hands', 'protected-attribute: sexual-orientation'],
  ['lesbian', 'a woman in the photo', 'protected-attribute: sexual-orientation'],
  ['transgender', 'a transgender woman', 'protected-attribute: gender-identity'],
  ['guess_gender', "predict the person's gender", 'protected-attribute: gender-identity'],
  ['wheelchair_user', 'person with a disability', 'protected-attribute: disability'],
  ['blind', 'a blind person with a cane', 'protected-attribute: disability'],
  ['pregnant', 'a pregnant woman', 'protected-attribute: health'],
  ['hispanic', 'a Hispanic person', 'protected-attribute: race-ethnicity'],
  ['black_people', 'photos of black people', 'protected-attribute: race-ethnicity'],
  ['asian_descent', 'a man of Asian descent', 'protected-attribute: race-ethnicity'],
  ['criminal', 'a person who committed a crime', 'legal-determination'],
  ['guilty', 'the driver is guilty of the accident', 'legal-determination'],
  ['liable_party', 'the carrier is liable for the damage', 'legal-determination'],
  ['illegal_immigrant', 'a person without papers', 'legal-determination'],
  ['celebrity_id', 'identify which celebrity this is', 'person-identity'],
  ['who_is_it', 'who is this person', 'person-identity'],
  ['john', 'is this John Smith', 'person-identity'],
  ['face_match', 'face recognition of our employees', 'person-identity'],
];

test('content-moderation, product and object categories are allowed', () => {
  for (const [name, description] of ALLOWED) {
    assert.equal(findSensitiveRule({ name, description }), undefined, `${name}: ${description}`);
  }
  // And the whole file parses.
  const { set } = parseCategories(two({}, ALLOWED.map(([name, description]) => ({ name, description }))));
  assert.equal(set.categories.length, ALLOWED.length);
});

test('sensitive categories are refused, naming the rule', () => {
  for (const [name, description, rule] of REFUSED) {
    assert.equal(findSensitiveRule({ name, description })?.ruleId, rule, `${name}: ${description}`);
  }
});

test('a refused category is a parse problem that names the category, the rule and what matched', () => {
  const err = problemsOf(
    two({}, [
      { name: 'cat', description: 'A cat.' },
      { name: 'muslim', description: 'a person who is Muslim' },
      { name: 'skin_rash', description: 'a photo of a skin condition that needs a doctor' },
    ]),
  );
  assert.equal(err.problems.length, 2);
  assert.match(err.problems[0], /^categories\[1\] "muslim" is refused by rule "protected-attribute: religion" \(A person's religion\): matched "muslim" in the name\./);
  assert.match(err.problems[1], /^categories\[2\] "skin_rash" is refused by rule "medical-diagnosis" \(A medical diagnosis\): matched "rash" in the name\./);
  assert.match(err.problems[1], /Content-moderation categories .* are allowed/);
});
