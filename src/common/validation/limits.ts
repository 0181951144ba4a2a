/**
 * Upper bound of `position` fields (lessons in a course, questions in a quiz). Far beyond real
 * use; keeps numbers like 1e308, which are integers to JavaScript, away from int4 columns.
 */
export const MAX_POSITION = 10_000;
