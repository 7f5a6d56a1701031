import { z } from 'zod';

const control = '\\u0000-\\u001f\\u007f';
/** What String.prototype.trim removes, besides the control characters. */
const space = ' \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const anyText = new RegExp(`^[^${control}]*$`, 'u');
const notBlank = new RegExp(`^[^${control}]*[^${control}${space}][^${control}]*$`, 'u');
const loneSurrogate = /\p{Cs}/u;

/**
 * A line of text that a service stores (jsonb, Avro) and shows: no control characters
 * (U+0000–U+001F, U+007F), no lone UTF-16 surrogate (U+D800–U+DFFF, which UTF-8 text,
 * and so neither Postgres nor Avro, can hold), at most `max` characters counted as JSON
 * Schema counts them (code points), and unless `blank` is allowed, one that is not white
 * space. Surrounding white space is trimmed. The pattern and maxLength are published in
 * the OpenAPI document, so a client sees the same rules the service applies.
 */
export function storedText(max: number, { blank = false } = {}) {
  return z
    .string()
    .regex(
      blank ? anyText : notBlank,
      blank ? 'no control characters' : 'not blank, and no control characters',
    )
    .refine((text) => !loneSurrogate.test(text), 'a lone UTF-16 surrogate is not text')
    .refine((text) => [...text].length <= max, `at most ${max} characters`)
    .trim()
    .meta({
      maxLength: max,
      description: `Text of at most ${max} characters${blank ? '' : ', not blank'}: no control characters (such as \\u0000) and no lone UTF-16 surrogates (such as \\ud800). Surrounding white space is trimmed.`,
    });
}
