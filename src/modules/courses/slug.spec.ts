import { nextFreeSlug, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Intro to X', 'intro-to-x'],
    ['  Hello,   World!  ', 'hello-world'],
    ['Crème brûlée 101', 'creme-brulee-101'],
    ['C++ & Rust', 'c-and-rust'],
    ['---', 'course'],
    ['日本語', 'course'],
    ['Node.js: The Good Parts', 'node-js-the-good-parts'],
  ])('turns %j into %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('caps the length without a trailing hyphen', () => {
    const slug = slugify(`${'a'.repeat(79)} b`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('nextFreeSlug', () => {
  it('keeps the base when it is free', () => {
    expect(nextFreeSlug('intro-to-x', ['intro-to-xy'])).toBe('intro-to-x');
  });

  it('appends -2 for the first clash', () => {
    expect(nextFreeSlug('intro-to-x', ['intro-to-x'])).toBe('intro-to-x-2');
  });

  it('goes past the highest suffix in use', () => {
    expect(nextFreeSlug('intro', ['intro', 'intro-2', 'intro-7', 'intro-to-x'])).toBe('intro-8');
  });

  it('ignores slugs that only share a prefix', () => {
    expect(nextFreeSlug('intro', ['intro', 'intro-basics-3'])).toBe('intro-2');
  });
});
