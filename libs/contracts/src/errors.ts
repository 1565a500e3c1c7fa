/**
 * Stable codes of the errors this library throws. All of them are `PermanentError`s: a message
 * that cannot be decoded or a subject that breaks the naming rules will not get better on retry,
 * so a consumer dead-letters it at once.
 */
export const ContractErrorCode = {
  DECODE_FAILED: 'CONTRACT_DECODE_FAILED',
  ENCODE_FAILED: 'CONTRACT_ENCODE_FAILED',
  INVALID_SUBJECT: 'CONTRACT_INVALID_SUBJECT',
} as const;

export type ContractErrorCode = (typeof ContractErrorCode)[keyof typeof ContractErrorCode];
