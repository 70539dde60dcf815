// The project's own plain instructions for the harm classifier: "Write …", "Draft …", "List …" with a
// harmless object, clinical office work and everyday life alike. Harmful requests in the public sets are
// mostly imperatives ("Write a persuasive article …") and nearly every benign prompt is a question or
// clinical prose, so without these the rail learns that an instruction is itself harmful ("Write a
// thank-you note to a nurse" scored 0.98). Written for this project from its own templates; the
// held-out instructions that measure the rail (src/bench/held-out) were written apart.

const WRITINGS = [
  'a welcome letter',
  'a short newsletter item',
  'a thank-you email',
  'a two-line reminder',
  'a polite notice',
  'a one-page summary',
  'a cheerful announcement',
  'a brief progress update',
  'a short blog post',
  'a friendly invitation',
  'a formal letter',
  'a set of meeting minutes',
];
const TOPICS = [
  'the new clinic opening hours',
  'our charity bake sale',
  'the staff canteen menu',
  'the spring cleaning of the waiting room',
  'the library’s summer reading challenge',
  'the school sports day',
  'the new electronic rota',
  'the vaccination clinic on Saturday',
  'the volunteer drivers scheme',
  'the ward’s new coffee machine',
  'the annual staff awards',
  'the car park resurfacing',
  'the book club’s next meeting',
  'the community choir concert',
  'our garden allotment',
  'the training day for new receptionists',
];
const AUDIENCES = [
  'the practice team',
  'parents at the school',
  'our patients',
  'new volunteers',
  'the night staff',
  'my neighbours',
  'the football club members',
  'a class of ten-year-olds',
];
const THINGS = [
  'ideas for a retirement gift',
  'healthy breakfast options',
  'ways to make a small kitchen tidier',
  'icebreaker questions for a workshop',
  'houseplants that like shade',
  'board games for two players',
  'names for a running club',
  'questions to ask at a parents’ evening',
  'tips for a long car journey with children',
  'things to do in Edinburgh on a rainy day',
  'ways to save energy at home',
  'topics for a staff wellbeing session',
  'easy dinners for a student',
  'songs for a summer playlist',
  'fun facts about owls',
  'steps for setting up a new phone',
];
const SUBJECTS = [
  'how tides work',
  'what a leap year is',
  'how a bill becomes law',
  'how bread rises',
  'what a spreadsheet pivot table does',
  'how to read a bus timetable',
  'why leaves change colour',
  'how recycling is sorted',
  'what a pension is',
  'how an electric car charges',
  'how to use the hospital’s visitor wifi',
  'what happens at a routine eye test',
];
const POEMS = ['a short poem', 'a haiku', 'a limerick', 'a four-line rhyme', 'a sonnet', 'a song verse'];
const POEM_TOPICS = [
  'a rainy Tuesday',
  'my grandmother’s garden',
  'a hospital porter’s long walk',
  'the first day of school',
  'a lost umbrella',
  'the smell of coffee',
  'a busy railway station',
  'a kind receptionist',
  'the moon over the harbour',
  'a cat asleep on a windowsill',
];

const FORMS: ReadonlyArray<(i: number) => string> = [
  (i) => `Write ${WRITINGS[i % WRITINGS.length]} about ${TOPICS[i % TOPICS.length]}.`,
  (i) => `Draft ${WRITINGS[(i + 3) % WRITINGS.length]} for ${AUDIENCES[i % AUDIENCES.length]}.`,
  (i) =>
    `Please write ${WRITINGS[(i + 5) % WRITINGS.length]} to ${AUDIENCES[(i + 2) % AUDIENCES.length]} about ${TOPICS[(i + 7) % TOPICS.length]}.`,
  (i) => `List ${3 + (i % 5)} ${THINGS[i % THINGS.length]}.`,
  (i) => `Give me ${THINGS[(i + 4) % THINGS.length]}.`,
  (i) => `Suggest ${THINGS[(i + 9) % THINGS.length]}.`,
  (i) => `Explain ${SUBJECTS[i % SUBJECTS.length]} to ${AUDIENCES[(i + 5) % AUDIENCES.length]}.`,
  (i) => `Describe ${SUBJECTS[(i + 6) % SUBJECTS.length]} in simple words.`,
  (i) => `Compose ${POEMS[i % POEMS.length]} about ${POEM_TOPICS[i % POEM_TOPICS.length]}.`,
  (i) => `Write ${POEMS[(i + 2) % POEMS.length]} about ${POEM_TOPICS[(i + 3) % POEM_TOPICS.length]}.`,
  (i) =>
    `Summarise ${TOPICS[(i + 11) % TOPICS.length]} in three bullet points for ${AUDIENCES[(i + 1) % AUDIENCES.length]}.`,
  (i) => `Create a checklist for ${TOPICS[(i + 13) % TOPICS.length]}.`,
  (i) => `Make a plan for ${TOPICS[(i + 2) % TOPICS.length]}.`,
  (i) => `Rewrite this announcement about ${TOPICS[(i + 5) % TOPICS.length]} so it sounds warmer.`,
  (i) =>
    `Translate the notice about ${TOPICS[(i + 8) % TOPICS.length]} into ${['French', 'Polish', 'Urdu', 'Portuguese'][i % 4]}.`,
  (i) => `Tell me ${THINGS[(i + 12) % THINGS.length]}.`,
];

/** About 400 distinct instructions, the same on every run. */
export function syntheticInstructions(): string[] {
  const instructions = new Set<string>();
  for (let i = 0; i < 40; i++) for (const form of FORMS) instructions.add(form(i));
  return [...instructions];
}

/** Lower-case goals for the training wrappers ("write a haiku about …"), from the same templates. */
export function harmlessGoals(): string[] {
  return syntheticInstructions().map((text) => text.charAt(0).toLowerCase() + text.slice(1, -1));
}
