/** The spellings of `transfer_funds` that once slipped past a deny rule on it (issue 9). */
export const TRANSFER_FUNDS_SPELLINGS = [
  'transfer_funds',
  'Transfer_Funds',
  'transferFunds',
  'transfer-funds',
  'transfer.funds',
  'transfer/funds',
  'transfer funds',
  'transfer:funds',
  'TRANSFER_FUNDS',
] as const
