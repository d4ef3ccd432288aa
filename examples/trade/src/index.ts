export { BuyerAgent, LAYERS, TradeRefused } from './buyer.ts'
export { SellerAgent, DEFAULT_SELLER_POLICY } from './seller.ts'
export { startSellerServer } from './seller-server.ts'
export { A2aSeller, fetchAgentCard } from './a2a-seller.ts'
export { A2A_PATH, sellerCard, tesseraIdentityOf } from './seller-card.ts'
export {
  decodeSecretKey,
  didOf,
  encodeSecretKey,
  loadTradingAgent,
  publicKeyOfDid,
  registerTradingAgent,
} from './identity.ts'
export { EXAMPLE_BUYER_POLICY, provisionTrade, textReportOrder } from './provision.ts'
export { waitForProfile, waitForRoomEntry } from './observe.ts'
export { notYetKnown, retryWhile } from './retry.ts'
export { apiKey as apiKeyFromEnv, tesseraUrl as tesseraUrlFromEnv } from './env.ts'
export { TEXT_REPORT_CONDITIONS, auditTextReport, textReport } from './text-report.job.ts'
export { PACT_NEGOTIATION, TEXT_REPORT, parseSellerRequest } from './trade-messages.ts'

export type {
  AgreedPact,
  BuyerOptions,
  BuyerPolicy,
  TradeLayer,
  TradeOrder,
  TradeResult,
} from './buyer.ts'
export type { SellerOptions, SellerPolicy } from './seller.ts'
export type { RunningSeller } from './seller-server.ts'
export type { TesseraIdentity } from './seller-card.ts'
export type { TradingAgent } from './identity.ts'
export type { ProvisionOptions } from './provision.ts'
export type {
  NegotiationReply,
  NegotiationRequest,
  SellerPort,
  TextReport,
  TextReportInput,
  WorkReply,
  WorkRequest,
} from './trade-messages.ts'
