/**
 * Certificate ids of enrollments, without importing the certificates module (which depends on
 * this one): that module provides the implementation globally.
 */
export abstract class CertificateLookup {
  abstract idsByEnrollment(enrollmentIds: string[]): Promise<Map<string, string>>;
}
