import type { AgentCard } from '@a2a-js/sdk'
import { TESSERA_TRUST_EXTENSION_URI, type TesseraTrustExtensionParams } from '@tessera/sdk'
import { isRecord, PACT_NEGOTIATION } from './trade-messages.ts'

/**
 * Tessera's trust extension as guardian's cards carry it (same URI and params: `did`,
 * `handle`, `trustProfileUrl`), plus the bond tier the seller's profile shows.
 */
export type TesseraIdentity = Required<TesseraTrustExtensionParams> & { bondTier: number }

export const A2A_PATH = '/a2a'

/** The seller's A2A v1.0 card: JSON-RPC at `<url>/a2a`, two skills, Tessera's identity. */
export function sellerCard(options: {
  name: string
  url: string
  capability: string
  identity: TesseraIdentity
}): AgentCard {
  const { name, url, capability, identity } = options
  const skill = (id: string, skillName: string, description: string) => ({
    id,
    name: skillName,
    description,
    tags: ['tessera', 'escrow'],
    examples: [],
    inputModes: [],
    outputModes: [],
    securityRequirements: [],
  })
  return {
    name,
    description: `${name}: sells ${capability} under a signed Tessera pact, paid through escrow.`,
    supportedInterfaces: [
      { url: `${url}${A2A_PATH}`, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
    ],
    provider: undefined,
    version: '1.0.0',
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extensions: [
        {
          uri: TESSERA_TRUST_EXTENSION_URI,
          description:
            "Tessera identity and trust: the agent's DID, handle, profile and bond tier.",
          required: false,
          params: identity,
        },
      ],
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['application/json'],
    defaultOutputModes: ['application/json'],
    skills: [
      skill(
        PACT_NEGOTIATION,
        'Pact negotiation',
        'Accepts, counters or rejects proposed terms; signs the pact hash with its own key.',
      ),
      skill(
        capability,
        'Text report',
        'Word count, top words and a summary of a text, after checking the escrow is locked.',
      ),
    ],
    signatures: [],
  }
}

/** The card's Tessera identity, or undefined: a card without one cannot be trusted. */
export function tesseraIdentityOf(card: unknown): TesseraIdentity | undefined {
  if (!isRecord(card) || !isRecord(card['capabilities'])) return undefined
  const extensions = card['capabilities']['extensions']
  if (!Array.isArray(extensions)) return undefined
  const ext: unknown = extensions.find(
    (e) => isRecord(e) && e['uri'] === TESSERA_TRUST_EXTENSION_URI,
  )
  const params = isRecord(ext) ? ext['params'] : undefined
  if (!isRecord(params)) return undefined
  const { did, handle, trustProfileUrl, bondTier } = params
  if (typeof did !== 'string' || !did.startsWith('did:key:')) return undefined
  if (typeof handle !== 'string' || typeof trustProfileUrl !== 'string') return undefined
  return { did, handle, trustProfileUrl, bondTier: typeof bondTier === 'number' ? bondTier : 0 }
}
