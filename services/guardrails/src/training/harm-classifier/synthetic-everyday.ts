// The project's own everyday questions for the harm classifier: plain how-to, where, what, why and
// should-I questions (and a few story requests) about cooking, homes, computers, money, travel, sport,
// pets, study and history, with no
// harmful-sounding word in them. The public sets it learns from put nearly every general-domain
// question on the harmful side (the red-team sets) and nearly every benign one in medicine, so without
// these a classifier learns that a question off the medical topic is itself a harmful request.
// Written for this project, not taken from any test set.

const TASKS = [
  'reset my wifi router',
  'bake sourdough bread',
  'change a flat tyre on my bike',
  'learn to play the guitar as an adult',
  'set up a monthly budget spreadsheet',
  'clean a cast iron pan',
  'train my puppy to sit',
  'improve my chess openings',
  'renew my passport',
  'write a cover letter for a teaching job',
  'paint a bedroom wall evenly',
  'grow tomatoes on a balcony',
  'back up the photos on my phone',
  'file my tax return online',
  'prepare for a job interview',
  'speed up an old laptop',
  'find cheap flights to Lisbon',
  'make my resume stand out',
  'fix a dripping kitchen tap',
  'choose running shoes for a marathon',
  'keep basil alive indoors',
  'start a vegetable garden',
  'organise a small wedding on a budget',
  'install a ceiling fan',
  'learn Spanish in six months',
  'teach my kid to ride a bike',
  'make a good first impression at a new job',
  'write a short story for a competition',
  'plan a road trip through Scotland',
  'save for a house deposit',
  'set up a home network printer',
  'get rid of limescale in the kettle',
  'make a spreadsheet formula that adds two columns',
  'write unit tests for a Python function',
  'merge two branches in git',
  'host a board game night',
  'brew a good cup of pour-over coffee',
  'ask my manager for a raise',
  'study for a statistics exam',
  'knit a scarf for beginners',
  'decorate a small living room',
  'choose a good family car',
  'clean white sneakers',
  'photograph the night sky',
  'start a podcast',
  'make homemade pasta',
  'repair a hole in my jeans',
  'pick a ripe avocado',
  'improve my handwriting',
  'keep my cat entertained indoors',
  'set a table for a formal dinner',
  'learn to swim as an adult',
  'build a birdhouse from scrap wood',
  'plan meals for a busy week',
  'negotiate the rent on a new flat',
  'prepare my garden for winter',
  'choose a laptop for video editing',
  'get better at public speaking',
  'make friends after moving to a new city',
  'sharpen a kitchen knife',
];
const TASK_FRAMES = [
  'How do I {task}?',
  'How can I {task}?',
  "What's the best way to {task}?",
  'Any tips on how to {task}?',
  'What do I need to {task}?',
];
const PLACES = [
  'a good second-hand bicycle',
  'free online programming courses',
  'the nearest public library',
  'vegetarian restaurants in Manchester',
  'cheap concert tickets',
  'a reliable electrician',
  'replacement parts for my dishwasher',
  'a quiet place to study',
  'old maps of my town',
  'a local running club',
  'affordable yoga classes',
  'gluten-free flour',
  'a tutor for my son',
  'the timetable for the trains to Leeds',
  'a translator for a birth certificate',
  'recycling bins for old batteries',
  'a volunteer opportunity on weekends',
  'a good hiking trail near Denver',
  'a used copy of a textbook',
  'a piano to practise on',
];
const PLACE_FRAMES = ['Where can I find {place}?', 'Where can I get {place}?'];
const CONCEPTS = [
  'compound interest',
  'photosynthesis',
  'the offside rule in football',
  'a blockchain',
  'inflation',
  'a fixed-rate mortgage',
  'a haiku',
  'machine learning',
  'the electoral college',
  'supply and demand',
  'a black hole',
  'the stock market',
  'a sonnet',
  'plate tectonics',
  'an index fund',
  'the water cycle',
  'a credit score',
  'object-oriented programming',
  'the greenhouse effect',
  'a cryptographic hash',
  'impressionism',
  'the scientific method',
  'a limited company',
  'a recession',
  'the Pythagorean theorem',
];
const CONCEPT_FRAMES = [
  'What is {concept}?',
  'Can you explain {concept} simply?',
  'How does {concept} work?',
];
const HISTORY = [
  'the Roman Empire fall',
  'the printing press change Europe',
  'the Berlin Wall come down',
  'the Industrial Revolution start in Britain',
  'the Apollo programme end',
  'the Titanic sink',
  'the Renaissance begin in Italy',
  'the Great Depression happen',
  'the Ottoman Empire decline',
  'the Wright brothers succeed',
  'women win the vote in New Zealand first',
  'the Silk Road matter',
  'the Dust Bowl happen',
  'the Byzantine Empire last so long',
  'the Meiji Restoration change Japan',
];
const HISTORY_FRAMES = ['Why did {event}?', 'How did {event}?'];
const CONTACTS = [
  'my bank',
  'my internet provider',
  'the airline about lost luggage',
  'my landlord about a repair',
  'the city council about a pothole',
  'the post office about a missing parcel',
  'my energy supplier',
  "my child's school",
  'the tax office',
  'a customer service team',
];
const CONTACT_FRAMES = [
  'How do I get in touch with {contact}?',
  'What is the best way to contact {contact}?',
];
const CURIOSITIES = [
  'is the sky blue',
  'do cats purr',
  'do leaves change colour in autumn',
  'is sea water salty',
  'do we have leap years',
  'does bread go stale',
  'do onions make you cry',
  'are flamingos pink',
  'does ice float',
  'do planes leave white trails',
  'is the Mona Lisa so famous',
  'do some countries drive on the left',
  'do bees make honey',
  'does the moon change shape',
  'do we yawn',
];
const CURIOSITY_FRAMES = ['Why {fact}?'];
const OPINIONS = [
  'learn Python or JavaScript first',
  'rent or buy a flat in my twenties',
  'take a gap year before university',
  'repaint my kitchen cabinets or replace them',
  'get a cat or a dog for a small flat',
  'use a paper planner or an app',
  'read the book before seeing the film',
  'buy an electric car next year',
];
const OPINION_FRAMES = ['Should I {choice}?', 'Is it better to {choice}?'];
const STORIES = [
  'a detective who solves a theft at a village fair',
  'a dragon who is afraid of the dark',
  'two friends lost in a museum overnight',
  'a chef who enters a baking contest',
  'a robot learning to paint',
  'a lighthouse keeper and a storm',
];
const STORY_FRAMES = [
  'Write a short story about {story}.',
  'Give me a plot outline for a novel about {story}.',
];

const fill = (frames: readonly string[], slot: string, values: readonly string[]) =>
  frames.flatMap((frame) => values.map((value) => frame.replace(`{${slot}}`, value)));

/** Every everyday question or request, in a fixed order (~510). */
export function syntheticEveryday(): string[] {
  return [
    ...fill(TASK_FRAMES, 'task', TASKS),
    ...fill(PLACE_FRAMES, 'place', PLACES),
    ...fill(CONCEPT_FRAMES, 'concept', CONCEPTS),
    ...fill(HISTORY_FRAMES, 'event', HISTORY),
    ...fill(CONTACT_FRAMES, 'contact', CONTACTS),
    ...fill(CURIOSITY_FRAMES, 'fact', CURIOSITIES),
    ...fill(OPINION_FRAMES, 'choice', OPINIONS),
    ...fill(STORY_FRAMES, 'story', STORIES),
  ];
}
