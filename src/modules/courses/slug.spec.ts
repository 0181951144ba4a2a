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

  it('takes the lowest free suffix', () => {
    expect(nextFreeSlug('intro', ['intro', 'intro-2', 'intro-7', 'intro-to-x'])).toBe('intro-3');
  });

  it('is not pushed up by numbers from other titles ("Python X 2024")', () => {
    expect(nextFreeSlug('python-x', ['python-x-2024', 'python-x'])).toBe('python-x-2');
    expect(nextFreeSlug('python-x', ['python-x-2024'])).toBe('python-x');
  });

  it('ignores slugs that only share a prefix', () => {
    expect(nextFreeSlug('intro', ['intro', 'intro-basics-3'])).toBe('intro-2');
  });
});
