import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const PERSONAL_DATA_SECTION_KEY = 'personal-data:section';

/** Work to do once the erasure's transaction committed (deleting stored blobs...). */
export type AfterErasure = () => Promise<void>;

/**
 * One part of what the API holds about a user, as the module owning it sees it. The privacy
 * module finds every provider marked `@PersonalDataSectionProvider()` at start-up: a new module
 * adds its part of the export and of the erasure with one class, and no other change.
 */
export interface PersonalDataSection {
  /** The member of the export document, e.g. `enrollments`. Unique. */
  readonly key: string;
  /** `object`: the section yields exactly one value; `list`: any number, exported as an array. */
  readonly kind: 'object' | 'list';
  /**
   * The user's data as JSON values, yielded one at a time so that the export streams (no
   * secrets, hashes or tokens: what a response of the API could show). Absent for a section
   * that only erases (copies held for others, such as the webhook delivery log).
   */
  export?(userId: string): AsyncIterable<unknown>;
  /**
   * Erases or anonymises the user's data in this section, in the erasure's transaction (the
   * user's row is locked). Grades and aggregates stay. Returns work to run after the commit.
   */
  erase(manager: EntityManager, userId: string): Promise<AfterErasure | void>;
}

/** Marks a provider implementing PersonalDataSection. */
export const PersonalDataSectionProvider = (): ClassDecorator =>
  SetMetadata(PERSONAL_DATA_SECTION_KEY, true);
