/**
 * The postmortem writer: turns a recorded run folder into postmortem.md, postmortem.html and
 * chart SVGs. The outage run calls writePostmortem at its end; `npm run postmortem` calls it too.
 */
export { POSTMORTEM_DEFAULTS, writePostmortem } from './write-postmortem.ts';
export type { PostmortemOptions, PostmortemResult } from './write-postmortem.ts';
export { SECTION_TITLES } from './sections/index.ts';
