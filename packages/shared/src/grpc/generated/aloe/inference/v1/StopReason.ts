// Original file: proto/aloe/inference/v1/inference.proto

export const StopReason = {
  STOP_REASON_UNSPECIFIED: 'STOP_REASON_UNSPECIFIED',
  STOP_REASON_EOG: 'STOP_REASON_EOG',
  STOP_REASON_MAX_TOKENS: 'STOP_REASON_MAX_TOKENS',
  STOP_REASON_ABORTED: 'STOP_REASON_ABORTED',
} as const;

export type StopReason =
  | 'STOP_REASON_UNSPECIFIED'
  | 0
  | 'STOP_REASON_EOG'
  | 1
  | 'STOP_REASON_MAX_TOKENS'
  | 2
  | 'STOP_REASON_ABORTED'
  | 3

export type StopReason__Output = typeof StopReason[keyof typeof StopReason]
