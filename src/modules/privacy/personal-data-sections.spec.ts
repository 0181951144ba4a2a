import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { PersonalDataSections } from './personal-data-sections';

function section(key: string): new () => PersonalDataSection {
  @Injectable()
  @PersonalDataSectionProvider()
  class Section implements PersonalDataSection {
    readonly key = key;
    readonly kind = 'list' as const;
    async erase(): Promise<void> {}
  }
  return Section;
}

@Injectable()
class NotASection {
  readonly key = 'unmarked';
}

async function sectionsWith(...providers: Array<new () => object>) {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [PersonalDataSections, ...providers],
  }).compile();
  await module.init();
  return module.get(PersonalDataSections);
}

describe('PersonalDataSections', () => {
  it('finds every marked provider, the profile first and the others by key', async () => {
    const sections = await sectionsWith(
      section('submissions'),
      NotASection,
      section('profile'),
      section('auditEvents'),
    );
    expect(sections.all().map((s) => s.key)).toEqual(['profile', 'auditEvents', 'submissions']);
    expect(sections.forErasure().map((s) => s.key)).toEqual([
      'auditEvents',
      'submissions',
      'profile',
    ]);
  });

  it('refuses two sections with the same key at start-up', async () => {
    await expect(sectionsWith(section('files'), section('files'))).rejects.toThrow(
      /two personal-data sections use the key "files"/,
    );
  });
});
