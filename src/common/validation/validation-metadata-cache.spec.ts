import {
  getMetadataStorage,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  MetadataStorage,
  Min,
  validate,
} from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

/** A storage of its own per test, so that the global one (and other specs) are untouched. */
function storages() {
  const plain = new MetadataStorage();
  const cached = new MetadataStorage();
  cacheValidationMetadata(cached);
  return { plain, cached };
}

/** The rules class-validator registered in the global storage for `targets`, copied into `into`. */
function copyRules(into: MetadataStorage, ...targets: Array<new () => object>) {
  for (const target of targets) {
    for (const rule of getMetadataStorage().getTargetValidationMetadatas(
      target,
      '',
      false,
      false,
    )) {
      if (rule.target === target) into.addValidationMetadata(rule);
    }
  }
}

class Paging {
  @IsOptional()
  @IsInt()
  @Min(1)
  page?: number;
}

class Search extends Paging {
  @IsString()
  @MaxLength(10, { groups: ['strict'] })
  q!: string;
}

describe('cacheValidationMetadata', () => {
  it('answers what class-validator computes, own and inherited rules, per group option', () => {
    const { plain, cached } = storages();
    copyRules(plain, Paging, Search);
    copyRules(cached, Paging, Search);
    const options: Array<[boolean, boolean, string[] | undefined]> = [
      [false, false, undefined],
      [false, false, ['strict']],
      [false, true, undefined],
      [true, false, ['other']],
    ];
    for (const [always, strict, groups] of options) {
      const expected = plain.getTargetValidationMetadatas(Search, '', always, strict, groups);
      const first = cached.getTargetValidationMetadatas(Search, '', always, strict, groups);
      expect(first).toEqual(expected);
      expect(cached.getTargetValidationMetadatas(Search, '', always, strict, groups)).toBe(first);
      expect(cached.groupByPropertyName(first)).toEqual(plain.groupByPropertyName(expected));
    }
    const withGroup = cached.getTargetValidationMetadatas(Search, '', false, false, ['strict']);
    const without = cached.getTargetValidationMetadatas(Search, '', false, false);
    expect(withGroup.length).not.toBe(without.length);
  });

  it('hands out frozen lists, grouped once', () => {
    const { cached } = storages();
    copyRules(cached, Paging, Search);
    const rules = cached.getTargetValidationMetadatas(Search, '', false, false);
    expect(Object.isFrozen(rules)).toBe(true);
    expect(() => (rules as unknown[]).push({})).toThrow(TypeError);
    const grouped = cached.groupByPropertyName(rules);
    expect(Object.keys(grouped).sort()).toEqual(['page', 'q']);
    expect(cached.groupByPropertyName(rules)).toBe(grouped);
    // A list it did not hand out is grouped afresh each time.
    const loose = [...rules];
    expect(cached.groupByPropertyName(loose)).not.toBe(cached.groupByPropertyName(loose));
  });

  it('sees a rule registered after the first lookup', () => {
    const { cached } = storages();
    copyRules(cached, Paging);
    expect(cached.getTargetValidationMetadatas(Search, '', false, false)).toHaveLength(3);
    copyRules(cached, Search);
    expect(cached.getTargetValidationMetadatas(Search, '', false, false)).toHaveLength(5);
  });

  it('is installed once per storage', () => {
    const { cached } = storages();
    const lookup = cached.getTargetValidationMetadatas;
    cacheValidationMetadata(cached);
    expect(cached.getTargetValidationMetadatas).toBe(lookup);
  });

  it('validates as before through the global storage', async () => {
    cacheValidationMetadata();
    const search = Object.assign(new Search(), { q: 'x'.repeat(11), page: 0 });
    // Without groups every rule applies (class-validator's default), with one only its rules.
    const errors = await validate(search);
    expect(errors.map((e) => e.property).sort()).toEqual(['page', 'q']);
    const strict = await validate(search, { groups: ['strict'] });
    expect(strict.map((e) => e.property)).toEqual(['q']);
    expect(await validate(Object.assign(new Search(), { q: 'ok', page: 2 }))).toEqual([]);
  });
});
