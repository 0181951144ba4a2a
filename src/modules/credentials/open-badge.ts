import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** The Bitstring Status List minimum (herd privacy): 131,072 entries, 16 KiB. */
export const STATUS_LIST_SIZE = 131_072;

export interface IssuerProfile {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
}

export interface CredentialFacts {
  issuer: IssuerProfile;
  /** `{APP_PUBLIC_URL}/api/v1/certificates/verify/{certificateNumber}` */
  credentialId: string;
  issuedAt: Date;
  email: string;
  salt: string;
  achievement: { id: string; name: string; description: string; narrative: string };
  status: { listUrl: string; index: number };
}

/** OB 3.0 hashed identity: `sha256$` + hex SHA-256 of the identity followed by the salt. */
export function identityHash(email: string, salt: string): string {
  const identity = email.trim().toLowerCase();
  return `sha256$${createHash('sha256')
    .update(identity + salt, 'utf8')
    .digest('hex')}`;
}

/** The `OpenBadgeCredential`; properties in a fixed order, so equal facts serialise equally. */
export function openBadgeCredential(facts: CredentialFacts) {
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: facts.credentialId,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: facts.issuer,
    validFrom: facts.issuedAt.toISOString(),
    name: facts.achievement.name,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: identityHash(facts.email, facts.salt),
          identityType: 'emailAddress',
          hashed: true,
          salt: facts.salt,
        },
      ],
      achievement: {
        id: facts.achievement.id,
        type: ['Achievement'],
        name: facts.achievement.name,
        description: facts.achievement.description,
        criteria: { narrative: facts.achievement.narrative },
      },
    },
    credentialStatus: {
      id: `${facts.status.listUrl}#${facts.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(facts.status.index),
      statusListCredential: facts.status.listUrl,
    },
  };
}

export type OpenBadgeCredential = ReturnType<typeof openBadgeCredential>;

/** The `BitstringStatusListCredential` of one list. */
export function statusListCredential(input: {
  listUrl: string;
  issuerId: string;
  validFrom: Date;
  bits: Buffer;
}) {
  return {
    '@context': [VC_V2_CONTEXT],
    id: input.listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuerId,
    validFrom: input.validFrom.toISOString(),
    credentialSubject: {
      id: `${input.listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeBitstring(input.bits),
    },
  };
}

/** Multibase base64url (`u` prefix, no padding) of the GZIP-compressed bitstring. */
export function encodeBitstring(bits: Buffer): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

/**
 * Status list index -> PostgreSQL bit number. The specification puts index 0 at the left-most
 * (most significant) bit of the first byte; PostgreSQL's set_bit/get_bit count from the least
 * significant bit of each byte.
 */
export function postgresBitNumber(index: number): number {
  return index - (index % 8) + (7 - (index % 8));
}
