import type { Scenario } from './reference-suites.js';

export interface CardSeen {
  summary: string;
  indicator: string;
  /** The card's coded topic (our rule id), when it has one. */
  topic?: string;
}

export interface ScenarioResult {
  suite: Scenario['suite'];
  file: string;
  hook: string;
  topic: string;
  /** passed / failed for a computable scenario; not-computable (with `reason`) otherwise. */
  status: 'passed' | 'failed' | 'not-computable';
  reason?: string;
  expected?: { alert: boolean; indicator?: string };
  actual: { alert: boolean; indicator?: string; cards: CardSeen[]; otherCards: CardSeen[] };
  httpStatus: number;
}

const RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };
const worst = (cards: Array<{ indicator: string }>) =>
  cards.reduce<string | undefined>(
    (max, card) =>
      max === undefined || (RANK[card.indicator] ?? 0) > (RANK[max] ?? 0) ? card.indicator : max,
    undefined,
  );

/** Whether one of our cards stands for the scenario's recommendation or interaction. */
export function standsFor(card: CardSeen, topic: string): boolean {
  if (!card.topic) return false;
  if (/^rec\d{2}$/.test(topic)) {
    // CDC recommendations 4 and 5 are one rule (MME), as in the IG's service opioidcds-04-05.
    const rec = topic === 'rec05' ? 'rec04' : topic;
    return card.topic.startsWith(`knowledge.opioid.${rec}-`);
  }
  return card.topic === `knowledge.interaction.${topic}`;
}

/**
 * The verdict on one scenario: the same answer as the suite on three counts: alert or not, the worst
 * indicator, and that the cards stand for the recommendation or interaction the scenario tests. Our
 * other cards (other rules on the same chart) are reported, not judged: each IG service answers for its
 * own rule, ours for all of them.
 */
export function compareScenario(scenario: Scenario, httpStatus: number, cards: CardSeen[]): ScenarioResult {
  const mine = cards.filter((card) => standsFor(card, scenario.topic));
  const actual = {
    alert: mine.length > 0,
    ...(worst(mine) ? { indicator: worst(mine)! } : {}),
    cards: mine,
    otherCards: cards.filter((card) => !mine.includes(card)),
  };
  const base = {
    suite: scenario.suite,
    file: scenario.file,
    hook: scenario.hook,
    topic: scenario.topic,
    actual,
    httpStatus,
  };
  if (!scenario.expected || scenario.notComputable)
    return {
      ...base,
      status: 'not-computable',
      reason: scenario.notComputable ?? 'no expected answer',
      ...(scenario.expected ? { expected: expectation(scenario.expected) } : {}),
    };
  const expected = expectation(scenario.expected);
  const passed =
    httpStatus === 200 && expected.alert === actual.alert && expected.indicator === actual.indicator;
  return { ...base, status: passed ? 'passed' : 'failed', expected };
}

function expectation(cards: Array<{ indicator: string }>) {
  return { alert: cards.length > 0, ...(worst(cards) ? { indicator: worst(cards)! } : {}) };
}
