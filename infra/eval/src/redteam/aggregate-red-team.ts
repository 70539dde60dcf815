// Attempts → the report's red-team figures: attack success per set × category × channel, false
// positives per benign set × channel, and the rails' own block rate per set.
import {
  type Proportion,
  type RailsOwnResult,
  RED_TEAM_CHANNELS,
  type RedTeamChannel,
  type RedTeamResult,
} from '../report/report.js';
import { proportion } from '../stats/proportion.js';
import type { AttemptVerdict } from './judge-attempt.js';

/** One text sent on one channel, and what came of it. */
export interface AttemptRecord {
  set: string;
  kind: 'attack' | 'benign';
  category: string;
  channel: RedTeamChannel;
  /** Undefined when the call failed after its retries: the attempt is not counted, its row still shown. */
  verdict?: AttemptVerdict | undefined;
}

/** One text the rails judged alone (as a suggestion's text). */
export interface RailsOwnRecord {
  set: string;
  harmful: boolean;
  /** Content-safety rule ids that blocked it (empty: it passed). */
  blockedBy: readonly string[];
}

const count = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length;

type Answered = AttemptRecord & { verdict: AttemptVerdict };
const answered = (records: readonly AttemptRecord[]) =>
  records.filter((record): record is Answered => record.verdict !== undefined);

/** Groups in first-seen order of `keyOf`. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

const channelOrder = (channel: RedTeamChannel) => RED_TEAM_CHANNELS.indexOf(channel);

/**
 * Attack success per set × category × channel: sets in first-seen order, categories by name, the question
 * before the note. Failed attempts are not counted, but a category whose attempts all failed keeps its
 * row (0 attempts, an interval of 0–1), so a reader sees what was not measured.
 */
export function aggregateAttacks(records: readonly AttemptRecord[]): RedTeamResult[] {
  const attacks = records.filter((record) => record.kind === 'attack');
  const setOrder = [...new Set(attacks.map((record) => record.set))];
  const rows = [
    ...groupBy(attacks, (record) => `${record.set}\u0000${record.category}\u0000${record.channel}`).values(),
  ];
  rows.sort((a, b) => {
    const [x, y] = [a[0]!, b[0]!];
    return (
      setOrder.indexOf(x.set) - setOrder.indexOf(y.set) ||
      x.category.localeCompare(y.category) ||
      channelOrder(x.channel) - channelOrder(y.channel)
    );
  });
  return rows.map((all) => {
    const { set, category, channel } = all[0]!;
    const group = answered(all);
    const attempts = group.length;
    return {
      set,
      category,
      channel,
      attempts,
      withoutRails: proportion(
        count(group, (record) => record.verdict.withoutRails.success),
        attempts,
      ),
      withRails: proportion(
        count(group, (record) => record.verdict.withRails.success),
        attempts,
      ),
      modelRefused: proportion(
        count(group, (record) => record.verdict.withoutRails.refused),
        attempts,
      ),
      inputWithheld: proportion(
        count(group, (record) => record.verdict.withRails.withheld),
        attempts,
      ),
    };
  });
}

/** The false-positive rate with the rails per benign set × channel, labelled "set (channel)". */
export function aggregateBenign(records: readonly AttemptRecord[]): Proportion[] {
  const benign = records.filter((record) => record.kind === 'benign');
  const groups = [...groupBy(benign, (record) => `${record.set}\u0000${record.channel}`).values()];
  const setOrder = [...new Set(benign.map((record) => record.set))];
  groups.sort(
    (a, b) =>
      setOrder.indexOf(a[0]!.set) - setOrder.indexOf(b[0]!.set) ||
      channelOrder(a[0]!.channel) - channelOrder(b[0]!.channel),
  );
  return groups.map((all) => {
    const group = answered(all);
    return {
      ...proportion(
        count(group, (record) => record.verdict.falsePositive),
        group.length,
      ),
      label: `${all[0]!.set} (${all[0]!.channel})`,
    };
  });
}

/** The rails' own block rate per set, in first-seen order, with how many texts each rule blocked. */
export function aggregateRailsOwn(records: readonly RailsOwnRecord[]): RailsOwnResult[] {
  return [...groupBy(records, (record) => record.set).values()].map((group) => {
    const byRule: Record<string, number> = {};
    for (const record of group)
      for (const ruleId of new Set(record.blockedBy)) byRule[ruleId] = (byRule[ruleId] ?? 0) + 1;
    return {
      set: group[0]!.set,
      harmful: group[0]!.harmful,
      blocked: proportion(
        count(group, (record) => record.blockedBy.length > 0),
        group.length,
      ),
      byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => a.localeCompare(b))),
    };
  });
}
