import { describe, expect, it } from 'vitest';
import { eventSearchText, foldForSearch } from './search-text.js';

describe('foldForSearch', () => {
  it('drops case and accents the same way for text and query', () => {
    expect(foldForSearch('École')).toBe('ecole');
    expect(foldForSearch('école')).toBe(foldForSearch('ECOLE'));
    expect(foldForSearch('Straße Ærø')).toBe('straße ærø');
    expect(eventSearchText('Café', null, 'Zürich')).toBe('cafe\n\nzurich');
  });
});
