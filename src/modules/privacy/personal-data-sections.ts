import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import {
  PERSONAL_DATA_SECTION_KEY,
  PersonalDataSection,
} from '../../common/personal-data/personal-data-section';

/**
 * Every `@PersonalDataSectionProvider()` of the application, found at start-up: the profile
 * first, the others by key, so that the export's layout does not depend on module order.
 */
@Injectable()
export class PersonalDataSections implements OnModuleInit {
  private sections: PersonalDataSection[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found: PersonalDataSection[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      if (!instance || typeof metatype !== 'function') continue;
      if (!this.reflector.get<boolean | undefined>(PERSONAL_DATA_SECTION_KEY, metatype)) continue;
      found.push(instance as PersonalDataSection);
    }
    const keys = found.map((section) => section.key);
    const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
    if (duplicate) throw new Error(`two personal-data sections use the key "${duplicate}"`);
    const rank = (section: PersonalDataSection) => (section.key === 'profile' ? '' : section.key);
    this.sections = found.sort((a, b) => rank(a).localeCompare(rank(b)));
  }

  all(): readonly PersonalDataSection[] {
    return this.sections;
  }

  /**
   * The order of erasure: the profile last, so that the other sections can still find copies
   * of the account's data by its current values (an import's rows hold the email).
   */
  forErasure(): readonly PersonalDataSection[] {
    const isProfile = (section: PersonalDataSection) => section.key === 'profile';
    return [
      ...this.sections.filter((section) => !isProfile(section)),
      ...this.sections.filter(isProfile),
    ];
  }
}
